import './Banner.css';

export interface StorageBannerProps {
  /** Why the browser keeps no data, in plain words. */
  readonly message: string;
  readonly acknowledged: boolean;
  readonly onAcknowledge: () => void;
}

/**
 * Said plainly when IndexedDB is unavailable: no audit trail can be stored, and nothing runs until
 * the person ticks that they go on without one (the export report then says so).
 */
export function StorageBanner({ message, acknowledged, onAcknowledge }: StorageBannerProps) {
  return (
    <div className="veil-banner veil-banner--danger" role="alert" data-testid="storage-banner">
      <p className="veil-banner__text">
        <strong>No audit trail.</strong> {message}{' '}
        {acknowledged
          ? 'You chose to go on: this visit is recorded in the tab only, and each export report says it ran without a stored audit trail.'
          : 'De-identification is off until you acknowledge this.'}
      </p>
      <label className="veil-banner__check">
        <input
          type="checkbox"
          checked={acknowledged}
          disabled={acknowledged}
          onChange={(e) => e.target.checked && onAcknowledge()}
        />
        I understand: continue without a stored audit trail
      </label>
    </div>
  );
}
