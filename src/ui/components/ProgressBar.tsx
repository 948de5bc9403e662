import { formatBytes, formatDuration, plural } from './format';
import './tokens.css';
import './ProgressBar.css';

export interface Props {
  readonly filesDone: number;
  readonly filesTotal: number;
  readonly bytesDone: number;
  readonly bytesTotal: number;
  /** Time since the start: with the bytes, it gives the time left when `etaMs` is not known. */
  readonly elapsedMs?: number;
  /** Time left as the caller estimates it (null: no estimate yet). */
  readonly etaMs?: number | null;
  readonly failed?: number;
  /** The accessible name of the bar. */
  readonly label?: string;
  /** Adds a Cancel button beside the bar. */
  readonly onCancel?: () => void;
}

// An estimate from the first second or first 1% of the bytes is mostly noise (cold workers, caches).
const MIN_ELAPSED_FOR_ESTIMATE_MS = 1000;
const MIN_FRACTION_FOR_ESTIMATE = 0.01;

export function timeLeft({
  bytesDone,
  bytesTotal,
  elapsedMs,
  etaMs,
}: Pick<Props, 'bytesDone' | 'bytesTotal' | 'elapsedMs' | 'etaMs'>): number | undefined {
  if (etaMs !== undefined && etaMs !== null) return etaMs;
  if (elapsedMs === undefined || bytesTotal <= 0 || bytesDone <= 0) return undefined;
  const fraction = bytesDone / bytesTotal;
  if (elapsedMs < MIN_ELAPSED_FOR_ESTIMATE_MS || fraction < MIN_FRACTION_FOR_ESTIMATE) {
    return undefined;
  }
  return (elapsedMs * (1 - fraction)) / fraction;
}

/** Files done of total, megabytes, time left; the bar fills by bytes (files vary in size). */
export function ProgressBar({
  filesDone,
  filesTotal,
  bytesDone,
  bytesTotal,
  elapsedMs,
  etaMs,
  failed = 0,
  label = 'De-identification progress',
  onCancel,
}: Props) {
  const fraction =
    bytesTotal > 0
      ? Math.min(1, bytesDone / bytesTotal)
      : filesTotal > 0
        ? Math.min(1, filesDone / filesTotal)
        : 0;
  const left = timeLeft({ bytesDone, bytesTotal, elapsedMs, etaMs });
  const finished = filesTotal > 0 && filesDone >= filesTotal;
  const parts = [
    `${filesDone.toLocaleString('en')} of ${plural(filesTotal, 'file')}`,
    `${formatBytes(bytesDone)} of ${formatBytes(bytesTotal)}`,
    finished
      ? 'done'
      : left !== undefined
        ? `about ${formatDuration(left)} left`
        : 'estimating time left',
    failed > 0 ? `${failed.toLocaleString('en')} failed` : undefined,
  ].filter((part): part is string => part !== undefined);
  const text = parts.join(' · ');

  return (
    <div className="veil-progress">
      <div
        className={`veil-progress__track${failed > 0 ? ' veil-progress__track--failed' : ''}`}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={filesTotal}
        aria-valuenow={filesTotal > 0 ? filesDone : undefined}
        aria-valuetext={text}
      >
        <div
          className="veil-progress__fill"
          style={{ transform: `scaleX(${fraction.toFixed(3)})` }}
        />
      </div>
      <span className="veil-progress__text" aria-hidden="true">
        {text}
      </span>
      {onCancel && !finished && (
        <button type="button" className="veil-button" onClick={onCancel}>
          Cancel
        </button>
      )}
    </div>
  );
}
