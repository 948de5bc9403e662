import { useLayoutEffect, useRef, useState } from 'react';
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
 * window splitter whose value is the width of the pane before it. Until a width is chosen, the
 * pane's width as laid out is measured from the page (and followed as the window resizes).
 */
export function PaneSplitter({ label, width, min, max, onResize }: PaneSplitterProps) {
  const bar = useRef<HTMLDivElement>(null);
  const drag = useRef<{ x: number; width: number } | undefined>(undefined);
  // The pane's width as laid out, while none was chosen: a focusable separator must say its value.
  const [measured, setMeasured] = useState<number | undefined>(undefined);
  useLayoutEffect(() => {
    const pane = bar.current?.previousElementSibling;
    if (width !== undefined || !pane) return;
    const measure = () => setMeasured(Math.round(pane.getBoundingClientRect().width));
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(pane);
    return () => observer.disconnect();
  }, [width]);
  const clamp = (value: number) => Math.round(Math.min(max, Math.max(min, value)));
  const shown = clamp(width ?? measured ?? min);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = event.shiftKey ? STEP * 4 : STEP;
    const next =
      event.key === 'ArrowLeft'
        ? shown - step
        : event.key === 'ArrowRight'
          ? shown + step
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
    drag.current = { x: event.clientX, width: shown };
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const start = drag.current;
    if (start) onResize(clamp(start.width + event.clientX - start.x));
  };
  const onPointerEnd = () => {
    drag.current = undefined;
  };

  return (
    <div
      ref={bar}
      className="veil-splitter"
      role="separator"
      aria-orientation="vertical"
      aria-label={label}
      aria-valuemin={min}
      aria-valuemax={max}
      aria-valuenow={shown}
      tabIndex={0}
      onKeyDown={onKeyDown}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerEnd}
      onPointerCancel={onPointerEnd}
    />
  );
}
