import { useId } from 'react';
import { OPTION_NAMES, OPTIONS } from '../../core/deid/options';
import { PRESETS, isPresetId, type PresetId } from '../../core/deid/profile';
import { MAX_SHIFT_DAYS } from '../../core/deid/profileRules';
import type { Profile } from '../../core/deid/types';
import { CustomRules } from './rules/CustomRules';
import { FileButton } from './rules/FileButton';
import { NumberField } from './rules/NumberField';
import {
  dateHandlingOf,
  presetOf,
  withDateHandling,
  withOption,
  withPreset,
  type DateHandling,
} from './rules/profileEdits';
import './tokens.css';
import './RulesPanel.css';

export interface Props {
  readonly profile: Profile;
  /** Every edit hands back the whole new profile; the store validates it (parseProfile/buildPlan). */
  readonly onChange: (profile: Profile) => void;
  /** Problems the store found in the profile, shown as they are. */
  readonly errors?: readonly string[];
  /** The project key's fingerprint; undefined while there is no key. */
  readonly keyFingerprint?: string | undefined;
  readonly onGenerateKey: () => void;
  readonly onImportKey: (file: File) => void;
  readonly onExportKey: () => void;
  /** The loaded pseudonym table, as a person should see it (`pseudonyms.csv, 120 patients`). */
  readonly pseudonymTable?: string | undefined;
  readonly onImportPseudonymTable: (file: File) => void;
  readonly onSaveProfile: () => void;
  readonly onExportProfile: () => void;
  readonly onImportProfile: (file: File) => void;
  /** While a run is going: nothing may change under it. */
  readonly disabled?: boolean;
}

const DATE_CHOICES: readonly { value: DateHandling; label: string; hint: string }[] = [
  { value: 'remove', label: 'Remove dates', hint: 'Basic profile: dates are removed or emptied.' },
  {
    value: 'keep',
    label: 'Keep dates',
    hint: 'Retain Longitudinal Temporal Information Full Dates.',
  },
  {
    value: 'keyed-shift',
    label: 'Shift per patient (keyed)',
    hint: 'Each patient gets an offset derived from the project key, the same in every batch.',
  },
  {
    value: 'fixed-shift',
    label: 'Shift by a fixed number of days',
    hint: 'Every date of every patient moves by the same offset.',
  },
];

/**
 * The de-identification rules: PS3.15 options by their standard names, presets, date handling,
 * pseudonyms, the project key, custom per-tag rules, and the profile's own file operations.
 */
export function RulesPanel({
  profile,
  onChange,
  errors = [],
  keyFingerprint,
  onGenerateKey,
  onImportKey,
  onExportKey,
  pseudonymTable,
  onImportPseudonymTable,
  onSaveProfile,
  onExportProfile,
  onImportProfile,
  disabled = false,
}: Props) {
  const ids = useId();
  const preset = presetOf(profile);
  const dates = dateHandlingOf(profile);
  const { dateShift, pseudonyms } = profile;

  return (
    <div className="veil-rules">
      {errors.length > 0 && (
        <div className="veil-rules__errors" role="alert">
          <strong>The profile cannot be used yet:</strong>
          <ul>
            {errors.map((error) => (
              <li key={error}>{error}</li>
            ))}
          </ul>
        </div>
      )}

      <fieldset className="veil-rules__section" disabled={disabled}>
        <legend>Profile</legend>
        <label className="veil-rules__field">
          <span>Profile name</span>
          <input
            className="veil-input"
            value={profile.name}
            onChange={(e) => onChange({ ...profile, name: e.currentTarget.value })}
          />
        </label>
        <label className="veil-rules__field">
          <span>Preset</span>
          <select
            className="veil-input"
            value={preset ?? ''}
            onChange={(e) => {
              const id = e.currentTarget.value;
              if (isPresetId(id)) onChange(withPreset(profile, id));
            }}
            aria-describedby={`${ids}-preset`}
          >
            {preset === undefined && <option value="">Custom</option>}
            {(Object.keys(PRESETS) as PresetId[]).map((id) => (
              <option key={id} value={id}>
                {PRESETS[id].label}
              </option>
            ))}
          </select>
        </label>
        <p id={`${ids}-preset`} className="veil-rules__hint">
          {preset ? PRESETS[preset].description : 'Options chosen one by one.'}
        </p>
        <div className="veil-rules__buttons">
          <button type="button" className="veil-button" onClick={onSaveProfile}>
            Save profile
          </button>
          <button type="button" className="veil-button" onClick={onExportProfile}>
            Export profile
          </button>
          <FileButton accept=".json,application/json" onFile={onImportProfile} disabled={disabled}>
            Import profile
          </FileButton>
        </div>
      </fieldset>

      <fieldset className="veil-rules__section" disabled={disabled}>
        <legend>PS3.15 options</legend>
        <p className="veil-rules__hint">
          The Basic Application Confidentiality Profile always applies; each option keeps or cleans
          something it would remove.
        </p>
        <ul className="veil-rules__options">
          {OPTION_NAMES.map((name) => {
            const option = OPTIONS[name];
            return (
              <li key={name}>
                <label className="veil-rules__option">
                  <input
                    type="checkbox"
                    checked={profile.options.includes(name)}
                    onChange={(e) => onChange(withOption(profile, name, e.currentTarget.checked))}
                    aria-describedby={`${ids}-${name}`}
                  />
                  <span className="veil-rules__option-name">{option.standardName}</span>
                </label>
                <span id={`${ids}-${name}`} className="veil-rules__hint">
                  {option.explanation}
                </span>
              </li>
            );
          })}
        </ul>
      </fieldset>

      <fieldset className="veil-rules__section" disabled={disabled}>
        <legend>Dates</legend>
        <div role="radiogroup" aria-label="Date handling" className="veil-rules__choices">
          {DATE_CHOICES.map((choice) => (
            <label key={choice.value} className="veil-rules__choice">
              <input
                type="radio"
                name={`${ids}-dates`}
                checked={dates === choice.value}
                onChange={() => onChange(withDateHandling(profile, choice.value))}
                aria-describedby={`${ids}-dates-${choice.value}`}
              />
              <span>
                {choice.label}
                <span id={`${ids}-dates-${choice.value}`} className="veil-rules__hint">
                  {choice.hint}
                </span>
              </span>
            </label>
          ))}
        </div>
        {dates === 'keyed-shift' && dateShift.kind === 'keyed' && (
          <label className="veil-rules__field">
            <span>Largest shift (days)</span>
            <NumberField
              label="Largest shift in days"
              value={dateShift.maxDays}
              min={1}
              max={MAX_SHIFT_DAYS}
              onChange={(maxDays) =>
                maxDays !== undefined &&
                onChange({ ...profile, dateShift: { kind: 'keyed', maxDays } })
              }
            />
          </label>
        )}
        {dates === 'fixed-shift' && dateShift.kind === 'fixed' && (
          <label className="veil-rules__field">
            <span>Offset (days, negative moves back)</span>
            <NumberField
              label="Offset in days"
              value={dateShift.days}
              onChange={(days) =>
                days !== undefined && onChange({ ...profile, dateShift: { kind: 'fixed', days } })
              }
            />
          </label>
        )}
      </fieldset>

      <fieldset className="veil-rules__section" disabled={disabled}>
        <legend>Pseudonyms</legend>
        <div role="radiogroup" aria-label="Pseudonyms" className="veil-rules__choices">
          <label className="veil-rules__choice">
            <input
              type="radio"
              name={`${ids}-pseudonyms`}
              checked={pseudonyms.kind === 'keyed'}
              onChange={() =>
                onChange({ ...profile, pseudonyms: { kind: 'keyed', prefix: 'ANON' } })
              }
            />
            <span>
              Keyed pseudonyms
              <span className="veil-rules__hint">
                Derived from the patient ID and the project key: the same in every batch.
              </span>
            </span>
          </label>
          <label className="veil-rules__choice">
            <input
              type="radio"
              name={`${ids}-pseudonyms`}
              checked={pseudonyms.kind === 'table'}
              onChange={() => onChange({ ...profile, pseudonyms: { kind: 'table' } })}
            />
            <span>
              From a table (CSV)
              <span className="veil-rules__hint">
                Columns original_patient_id, pseudonym_id, pseudonym_name.
              </span>
            </span>
          </label>
        </div>
        {pseudonyms.kind === 'keyed' && (
          <label className="veil-rules__field">
            <span>Pseudonym prefix</span>
            <input
              className="veil-input"
              value={pseudonyms.prefix}
              maxLength={16}
              onChange={(e) =>
                onChange({
                  ...profile,
                  pseudonyms: { kind: 'keyed', prefix: e.currentTarget.value },
                })
              }
            />
          </label>
        )}
        {pseudonyms.kind === 'table' && (
          <div className="veil-rules__buttons">
            <FileButton accept=".csv,text/csv" onFile={onImportPseudonymTable} disabled={disabled}>
              Load pseudonym table
            </FileButton>
            <span className="veil-rules__hint" role="status">
              {pseudonymTable ?? 'No table loaded yet.'}
            </span>
          </div>
        )}
      </fieldset>

      <fieldset className="veil-rules__section" disabled={disabled}>
        <legend>Project key</legend>
        <p className="veil-rules__key">
          <span>Key fingerprint</span>{' '}
          {keyFingerprint ? (
            <code aria-label="Key fingerprint">{keyFingerprint}</code>
          ) : (
            <span className="veil-rules__hint">no key yet: one is made on the first run</span>
          )}
        </p>
        <p className="veil-rules__hint">
          Pseudonyms, new UIDs and date shifts come from this key. Another key gives other values:
          keep it, and share it only with those who add to the same data set.
        </p>
        <div className="veil-rules__buttons">
          <button type="button" className="veil-button" onClick={onGenerateKey}>
            Generate key
          </button>
          <FileButton accept=".json,.key,application/json" onFile={onImportKey} disabled={disabled}>
            Import key
          </FileButton>
          <button
            type="button"
            className="veil-button"
            onClick={onExportKey}
            disabled={!keyFingerprint}
          >
            Export key
          </button>
        </div>
      </fieldset>

      <fieldset className="veil-rules__section" disabled={disabled}>
        <legend>Custom rules</legend>
        <p className="veil-rules__hint">Applied over the profile, to the tags they name.</p>
        <CustomRules
          rules={profile.rules}
          disabled={disabled}
          onChange={(rules) => onChange({ ...profile, rules })}
        />
      </fieldset>
    </div>
  );
}
