import { useEffect, useId, useRef, type ReactNode } from 'react';
import './Dialog.css';

export interface DialogProps {
  readonly title: string;
  readonly onClose: () => void;
  readonly children: ReactNode;
  /** Extra class on the panel (width and height of a particular dialog). */
  readonly className?: string;
}

/**
 * A modal dialog: the page behind is inert to the pointer, Escape or the close button closes it,
 * focus moves into it on open and back to where it was on close.
 */
export function Dialog({ title, onClose, children, className }: DialogProps) {
  const titleId = useId();
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    panel.current?.focus();
    return () => before?.focus?.();
  }, []);
  return (
    <div
      className="veil-dialog__backdrop"
      onMouseDown={(e) => e.target === e.currentTarget && onClose()}
    >
      <div
        ref={panel}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
        className={`veil-dialog ${className ?? ''}`}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            onClose();
          }
        }}
      >
        {/* A div, not a header: a banner landmark belongs to the page, not to a dialog. */}
        <div className="veil-dialog__head">
          <h2 id={titleId} className="veil-dialog__title">
            {title}
          </h2>
          <button type="button" className="veil-button" onClick={onClose}>
            Close
          </button>
        </div>
        <div className="veil-dialog__body">{children}</div>
      </div>
    </div>
  );
}
