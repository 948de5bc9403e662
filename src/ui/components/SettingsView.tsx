import { useId, useState } from 'react';
import { retentionLabel } from './auditRows';
import './SettingsView.css';

export type WorkingDataRetention = 'tab' | number;

export interface SettingsViewProps {
  readonly operator: string | null;
  readonly workingData: WorkingDataRetention;
  readonly auditDays: number;
  readonly requireSignOff: boolean;
  /** False when this browser keeps nothing: retention and purge do not apply. */
  readonly stored: boolean;
  /** What the last retention run or purge deleted, in words; null when nothing yet. */
  readonly lastDeletion: string | null;
  /** Why the last change was refused (a name the log does not allow…). */
  readonly error?: string | null;
  readonly onOperator: (name: string) => void;
  readonly onChange: (patch: {
    readonly workingData?: WorkingDataRetention;
    readonly auditDays?: number;
    readonly requireSignOff?: boolean;
  }) => void;
  readonly onPurge: (options: { readonly keys: boolean }) => void;
}

const WORKING_CHOICES: readonly WorkingDataRetention[] = ['tab', 1, 7, 30, 90];
/** 1, 3, 6 (HIPAA's documentation rule) and 10 years, leap days included. */
const AUDIT_CHOICES: readonly number[] = [365, 1096, 2192, 3653];

const withCurrent = <T,>(choices: readonly T[], current: T): readonly T[] =>
  choices.includes(current) ? choices : [...choices, current];

/**
 * The operator's name, how long working data and audit entries are kept, the sign-off rule, and
 * "purge now". Every change here is itself an audit entry (the store logs it).
 */
export function SettingsView(props: SettingsViewProps) {
  const ids = useId();
  const [name, setName] = useState(props.operator ?? '');
  const [purgeKeys, setPurgeKeys] = useState(false);
  const working = withCurrent(WORKING_CHOICES, props.workingData);
  const audit = withCurrent(AUDIT_CHOICES, props.auditDays);

  return (
    <div className="veil-settings">
      {props.error && (
        <p className="veil-settings__error" role="alert">
          {props.error}
        </p>
      )}
      <section className="veil-settings__section" aria-labelledby={`${ids}-who`}>
        <h3 id={`${ids}-who`}>Operator</h3>
        <form
          className="veil-settings__row"
          onSubmit={(e) => {
            e.preventDefault();
            props.onOperator(name);
          }}
        >
          <label className="veil-settings__field">
            <span>Your name, written into every audit entry</span>
            <input
              className="veil-input"
              value={name}
              maxLength={64}
              autoComplete="name"
              onChange={(e) => setName(e.target.value)}
            />
          </label>
          <button
            type="submit"
            className="veil-button"
            disabled={name.trim() === '' || name.trim() === props.operator}
          >
            Save name
          </button>
        </form>
      </section>

      <section className="veil-settings__section" aria-labelledby={`${ids}-keep`}>
        <h3 id={`${ids}-keep`}>Retention</h3>
        {!props.stored && (
          <p className="veil-settings__hint">
            This browser keeps nothing after the tab closes, so there is nothing to retain.
          </p>
        )}
        <label className="veil-settings__field">
          <span>Keep working data (batches, results, pseudonym tables)</span>
          <select
            className="veil-input"
            disabled={!props.stored}
            value={String(props.workingData)}
            onChange={(e) =>
              props.onChange({
                workingData: e.target.value === 'tab' ? 'tab' : Number(e.target.value),
              })
            }
          >
            {working.map((value) => (
              <option key={value} value={String(value)}>
                {retentionLabel(value)}
              </option>
            ))}
          </select>
        </label>
        <label className="veil-settings__field">
          <span>Keep audit entries</span>
          <select
            className="veil-input"
            disabled={!props.stored}
            value={String(props.auditDays)}
            onChange={(e) => props.onChange({ auditDays: Number(e.target.value) })}
          >
            {audit.map((value) => (
              <option key={value} value={String(value)}>
                {retentionLabel(value)}
              </option>
            ))}
          </select>
        </label>
        <p className="veil-settings__hint">
          Checked at start-up and every minute. The audit log is never deleted with working data;
          every deletion is itself logged.
        </p>
        {props.lastDeletion && <p className="veil-settings__hint">{props.lastDeletion}</p>}
        <div className="veil-settings__row">
          <button
            type="button"
            className="veil-button"
            disabled={!props.stored}
            onClick={() => props.onPurge({ keys: purgeKeys })}
          >
            Purge working data now
          </button>
          <label className="veil-settings__check">
            <input
              type="checkbox"
              disabled={!props.stored}
              checked={purgeKeys}
              onChange={(e) => setPurgeKeys(e.target.checked)}
            />
            Also delete the stored project key
          </label>
        </div>
      </section>

      <section className="veil-settings__section" aria-labelledby={`${ids}-review`}>
        <h3 id={`${ids}-review`}>Review</h3>
        <label className="veil-settings__check">
          <input
            type="checkbox"
            checked={props.requireSignOff}
            onChange={(e) => props.onChange({ requireSignOff: e.target.checked })}
          />
          Require a review sign-off before export
        </label>
      </section>
    </div>
  );
}
