import { useEffect, useId, useRef, useState } from 'react';
import type { KeyboardEvent, PointerEvent } from 'react';
import type { PreviewSession, Shown, Voi } from './preview/previewSession';
import './tokens.css';
import './ImagePreview.css';

export interface Props {
  /** The original file (a `File` from import, or any Blob of DICOM bytes); nothing shown when absent. */
  readonly file: Blob | undefined;
  /** The de-identified file: adds the Original / De-identified toggle. */
  readonly after?: Blob | undefined;
  /** Shows the burned-in text warning (BurnedInAnnotation YES, US, SC, screen captures…). */
  readonly burnedInRisk?: boolean;
  /** What the image is, for its accessible name (a file name or instance label; no PHI needed). */
  readonly label?: string;
}

type Side = 'before' | 'after';

/** What the viewport last showed, and for which request: a request without a result is loading. */
type View =
  | { readonly kind: 'none' }
  | { readonly kind: 'shown'; readonly shown: Blob; readonly frame: number; readonly info: Shown }
  | {
      readonly kind: 'error';
      readonly shown: Blob;
      readonly frame: number;
      readonly message: string;
    };

interface Drag {
  readonly x: number;
  readonly y: number;
  readonly voi: Voi;
  readonly pointerId: number;
}

const round = (n: number): number => Math.round(n * 100) / 100;

/**
 * A DICOM image through cornerstone: window/level by dragging (horizontal = width, vertical = centre)
 * or by the two number fields, frames by wheel, arrow keys or slider, before/after toggle. The viewer
 * code (cornerstone, the wado loader and its codecs) loads on first use.
 */
export function ImagePreview({ file, after, burnedInRisk = false, label = 'DICOM image' }: Props) {
  const elementRef = useRef<HTMLDivElement>(null);
  const [session, setSession] = useState<PreviewSession>();
  const [startError, setStartError] = useState<string>();
  const [sideChoice, setSideChoice] = useState<Side>('before');
  const [frameState, setFrameState] = useState<{ file: Blob | undefined; frame: number }>({
    file,
    frame: 0,
  });
  const [view, setView] = useState<View>({ kind: 'none' });
  const drag = useRef<Drag | undefined>(undefined);
  const ids = useId();

  const side: Side = after ? sideChoice : 'before';
  const shown = side === 'after' ? after : file;
  // A new file starts at its first frame; derived here rather than reset in an effect.
  const frame = frameState.file === file ? frameState.frame : 0;
  const info = view.kind === 'shown' ? view.info : undefined;
  const frames = info?.frames ?? 1;
  const current = view.kind !== 'none' && view.shown === shown && view.frame === frame;
  const loading = shown !== undefined && !current && startError === undefined;

  useEffect(() => {
    const element = elementRef.current;
    if (!element) return;
    let cancelled = false;
    let created: PreviewSession | undefined;
    import('./preview/previewSession').then(
      ({ createSession }) => {
        if (cancelled) return;
        created = createSession(element);
        setSession(created);
      },
      (error: unknown) => {
        if (!cancelled) setStartError(error instanceof Error ? error.message : String(error));
      },
    );
    return () => {
      cancelled = true;
      created?.destroy();
    };
  }, []);

  useEffect(() => {
    if (!session || !file || !shown) return;
    let cancelled = false;
    session.show({ file, after, shown, frame }).then(
      (result) => {
        if (!cancelled && result) setView({ kind: 'shown', shown, frame, info: result });
      },
      (error: unknown) => {
        if (cancelled) return;
        const message = error instanceof Error ? error.message : String(error);
        setView({ kind: 'error', shown, frame, message });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [session, file, after, shown, frame]);

  // Keep the canvas fitted to its box (panels resize, the window resizes).
  useEffect(() => {
    const element = elementRef.current;
    if (!session || !element || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => session.resize());
    observer.observe(element);
    return () => observer.disconnect();
  }, [session]);

  const goToFrame = (next: number) => {
    setFrameState({ file, frame: Math.min(Math.max(0, next), frames - 1) });
  };

  // The wheel must not scroll the page while it steps frames: a non-passive native listener.
  useEffect(() => {
    const element = elementRef.current;
    if (!element || frames <= 1) return;
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      const step = Math.sign(event.deltaY);
      setFrameState((state) => {
        const base = state.file === file ? state.frame : 0;
        return { file, frame: Math.min(Math.max(0, base + step), frames - 1) };
      });
    };
    element.addEventListener('wheel', onWheel, { passive: false });
    return () => element.removeEventListener('wheel', onWheel);
  }, [file, frames]);

  const applyVoi = (voi: Voi) => {
    if (!session || view.kind !== 'shown') return;
    const clean = { windowWidth: Math.max(1, voi.windowWidth), windowCenter: voi.windowCenter };
    session.setVoi(clean);
    setView({ ...view, info: { ...view.info, voi: clean } });
  };

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0 || !info) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = {
      x: event.clientX,
      y: event.clientY,
      voi: info.voi,
      pointerId: event.pointerId,
    };
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const start = drag.current;
    if (!start || start.pointerId !== event.pointerId || !info) return;
    // A drag across half a 512 px viewport sweeps the whole pixel range.
    const perPixel = info.range / 256;
    applyVoi({
      windowWidth: start.voi.windowWidth + (event.clientX - start.x) * perPixel,
      windowCenter: start.voi.windowCenter + (event.clientY - start.y) * perPixel,
    });
  };
  const endDrag = () => {
    drag.current = undefined;
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (frames <= 1) return;
    const moves: Record<string, number> = {
      ArrowUp: frame - 1,
      ArrowLeft: frame - 1,
      PageUp: frame - 10,
      ArrowDown: frame + 1,
      ArrowRight: frame + 1,
      PageDown: frame + 10,
      Home: 0,
      End: frames - 1,
    };
    const next = moves[event.key];
    if (next === undefined) return;
    event.preventDefault();
    goToFrame(next);
  };

  const error =
    startError !== undefined
      ? `the image viewer could not start (${startError})`
      : view.kind === 'error' && view.shown === shown && view.frame === frame
        ? view.message
        : undefined;
  const sideName = side === 'after' ? 'de-identified' : 'original';
  const description = info
    ? `${info.columns} × ${info.rows}, frame ${frame + 1} of ${frames}, window ${round(info.voi.windowWidth)}, level ${round(info.voi.windowCenter)}`
    : '';

  return (
    <section className="veil-preview" aria-label="Image preview">
      {burnedInRisk && (
        <div className="veil-preview__risk" role="alert">
          <strong>⚠ Burned-in text risk.</strong> This image may show identifying text in its pixels
          (burned-in annotation, ultrasound, secondary or screen capture). Veil does not change
          pixel data: check the image before you share it.
        </div>
      )}
      <div className="veil-preview__toolbar">
        {after && (
          <div className="veil-preview__toggle" role="radiogroup" aria-label="Image shown">
            {(['before', 'after'] as const).map((value) => (
              <label key={value} className="veil-preview__toggle-option">
                <input
                  type="radio"
                  name={`${ids}-side`}
                  value={value}
                  checked={side === value}
                  onChange={() => setSideChoice(value)}
                />
                {value === 'before' ? 'Original' : 'De-identified'}
              </label>
            ))}
          </div>
        )}
        {info && (
          <div className="veil-preview__voi">
            <label>
              Window
              <input
                className="veil-input"
                type="number"
                min={1}
                value={round(info.voi.windowWidth)}
                onChange={(e) => {
                  const value = e.currentTarget.valueAsNumber;
                  if (Number.isFinite(value)) applyVoi({ ...info.voi, windowWidth: value });
                }}
                aria-label="Window width"
              />
            </label>
            <label>
              Level
              <input
                className="veil-input"
                type="number"
                value={round(info.voi.windowCenter)}
                onChange={(e) => {
                  const value = e.currentTarget.valueAsNumber;
                  if (Number.isFinite(value)) applyVoi({ ...info.voi, windowCenter: value });
                }}
                aria-label="Window center"
              />
            </label>
            <button type="button" className="veil-button" onClick={() => applyVoi(info.defaultVoi)}>
              Reset window
            </button>
          </div>
        )}
      </div>
      <div className="veil-preview__stage">
        <div
          ref={elementRef}
          className={`veil-preview__viewport${error || !shown ? ' veil-preview__viewport--blank' : ''}`}
          role="img"
          aria-label={`${label}, ${sideName}`}
          aria-describedby={`${ids}-desc ${ids}-help`}
          aria-busy={loading}
          tabIndex={0}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={endDrag}
          onPointerCancel={endDrag}
          onKeyDown={onKeyDown}
          onContextMenu={(e) => e.preventDefault()}
        />
        <span id={`${ids}-desc`} className="veil-visually-hidden">
          {description}
        </span>
        <span id={`${ids}-help`} className="veil-visually-hidden">
          Drag to change window and level.
          {frames > 1 ? ' Mouse wheel or arrow keys change the frame.' : ''}
        </span>
        {info && !error && (
          <div className="veil-preview__overlay" aria-hidden="true">
            <span>{side === 'after' ? 'De-identified' : 'Original'}</span>
            <span>
              W {round(info.voi.windowWidth)} / L {round(info.voi.windowCenter)}
            </span>
            {frames > 1 && (
              <span>
                Frame {frame + 1} / {frames}
              </span>
            )}
          </div>
        )}
        {!shown && <p className="veil-preview__empty">Select an instance to preview it.</p>}
        {loading && (
          <p className="veil-preview__loading" role="status">
            Loading image…
          </p>
        )}
        {error && (shown || startError !== undefined) && (
          <p className="veil-preview__error" role="alert">
            This image cannot be displayed: {error.replace(/[.\s]+$/, '')}. The file can still be
            de-identified.
          </p>
        )}
      </div>
      {frames > 1 && (
        <label className="veil-preview__frames">
          Frame
          <input
            type="range"
            min={1}
            max={frames}
            value={frame + 1}
            onChange={(e) => goToFrame(Number(e.currentTarget.value) - 1)}
            aria-valuetext={`Frame ${frame + 1} of ${frames}`}
          />
          <output>
            {frame + 1} / {frames}
          </output>
        </label>
      )}
    </section>
  );
}
