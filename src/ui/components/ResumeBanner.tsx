import { formatBytes, plural } from './format';
import './Banner.css';

export interface ResumeOfferView {
  readonly touched: number;
  readonly files: number;
  readonly bytes: number;
  readonly done: number;
  readonly failed: number;
  readonly profileName: string | null;
}

export interface ResumeProgressView {
  readonly expected: number;
  readonly found: number;
  readonly extra: number;
}

export type ResumeBannerProps =
  | {
      readonly offer: ResumeOfferView;
      readonly onResume: () => void;
      readonly onDiscard: () => void;
    }
  | { readonly progress: ResumeProgressView };

const when = (epochMs: number): string =>
  new Date(epochMs).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });

/**
 * After a reload or a crash: the unfinished batch, offered for resuming. Files cannot be kept by the
 * browser (only their hashes are), so resuming asks for the same files again and counts them in.
 */
export function ResumeBanner(props: ResumeBannerProps) {
  if ('offer' in props) {
    const { offer } = props;
    const results =
      offer.done + offer.failed > 0
        ? `, ${offer.done} de-identified${offer.failed > 0 ? `, ${offer.failed} failed` : ''}`
        : '';
    return (
      <div className="veil-banner veil-banner--warning" role="region" aria-label="Resume">
        <p className="veil-banner__text">
          <strong>Unfinished batch</strong> from {when(offer.touched)}:{' '}
          {plural(offer.files, 'file')} ({formatBytes(offer.bytes)}){results}
          {offer.profileName ? `, profile "${offer.profileName}"` : ''}.
        </p>
        <div className="veil-banner__actions">
          <button type="button" className="veil-button" onClick={props.onResume}>
            Resume
          </button>
          <button type="button" className="veil-button" onClick={props.onDiscard}>
            Discard
          </button>
        </div>
      </div>
    );
  }
  const { progress } = props;
  const complete = progress.found >= progress.expected;
  return (
    <div className="veil-banner veil-banner--info" role="region" aria-label="Resume">
      <p className="veil-banner__text" aria-live="polite" data-testid="resume-progress">
        <strong>Resuming:</strong>{' '}
        {complete
          ? `all ${plural(progress.expected, 'file')} of the batch found: click De-identify to finish it.`
          : `open the same files again with Open files or Open folder (the browser keeps only their hashes): ${progress.found} of ${progress.expected} found.`}
        {progress.extra > 0 ? ` ${plural(progress.extra, 'other file')} joined the batch.` : ''}
      </p>
    </div>
  );
}
