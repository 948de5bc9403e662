import { useRef } from 'react';
import type { KeyboardEvent, PointerEvent } from 'react';
import './PaneSplitter.css';

export interface PaneSplitterProps {
  /** What it resizes, for a screen reader: "Resize the studies panel". */
  readonly label: string;
  /** The panel's width in CSS pixels; undefined until first moved (the layout's default). */
  readonly width: number | undefined;
  readonly min: number;
  readonly max: number;
  onResize(width: number): void;
}

/** Arrow keys move by this; with Shift by four times as much. */
const STEP = 16;

/**
 * The bar between two panes, for a pointer (drag) and a keyboard (arrows, Home, End): an ARIA
 * window splitter whose value is the width of the pane before it. The pane's current width is
 * measured from the page when no width was chosen yet.
 */
export function PaneSplitter({ label, width, min, max, onResize }: PaneSplitterProps) {
  const drag = useRef<{ x: number; width: number } | undefined>(undefined);
  const clamp = (value: number) => Math.round(Math.min(max, Math.max(min, value)));
  const current = (element: HTMLElement) =>
    width ?? element.previousElementSibling?.getBoundingClientRect().width ?? min;

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = event.shiftKey ? STEP * 4 : STEP;
    const now = current(event.currentTarget);
    const next =
      event.key === 'ArrowLeft'
        ? now - step
        : event.key === 'ArrowRight'
          ? now + step
          : event.key === 'Home'
            ? min
            : event.key === 'End'
              ? max
              : undefined;
    if (next === undefined) return;
    event.preventDefault();
    onResize(clamp(next));
  };

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { x: event.clientX, width: current(event.currentTarget) };
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const start = drag.current;
    if (start) onResize(clamp(start.width + event.clientX - start.x));
  };
  const onPointerEnd = () => {
    drag.current = undefined;
  };

  const shown = width === undefined ? undefined : clamp(width);
  return (
    <div
      className="veil-splitter"
      role="separator"
      aria-orientation="vertical"
      aria-label={label}
      aria-valuemin={min}
      aria-valuemax={max}
      {...(shown !== undefined ? { 'aria-valuenow': shown } : {})}
      tabIndex={0}
      onKeyDown={onKeyDown}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerEnd}
      onPointerCancel={onPointerEnd}
    />
  );
}
