import { CUSTOM_ACTIONS } from '../../../core/deid/profileRules';
import type { CustomAction, CustomRule } from '../../../core/deid/types';
import { NumberField } from './NumberField';

export interface CustomRulesProps {
  readonly rules: readonly CustomRule[];
  readonly onChange: (rules: CustomRule[]) => void;
  readonly disabled?: boolean;
}

const ACTION_LABEL: Readonly<Record<CustomAction, string>> = {
  keep: 'Keep',
  remove: 'Remove',
  empty: 'Empty',
  replace: 'Replace with…',
  hash: 'Keyed hash',
  shift: 'Shift dates by…',
};

/** Drops the fields an action does not use, so a saved profile carries no stale value. */
function withAction(rule: CustomRule, action: CustomAction): CustomRule {
  const { value, days, ...rest } = rule;
  return {
    ...rest,
    action,
    ...(action === 'replace' ? { value: value ?? '' } : {}),
    ...(action === 'shift' && days !== undefined ? { days } : {}),
  };
}

function without<T extends object, K extends keyof T>(object: T, key: K): Omit<T, K> {
  const copy = { ...object };
  delete copy[key];
  return copy;
}

const isPrivateForm = (tag: string): boolean => /xx/i.test(tag);

/**
 * Per-tag rules over the profile: a tag (`(0010,0010)`), a keyword (`PatientName`) or a private
 * element (`(0019,xx0C)` with its creator), an action, and its value or days.
 */
export function CustomRules({ rules, onChange, disabled }: CustomRulesProps) {
  const update = (index: number, rule: CustomRule) =>
    onChange(rules.map((r, i) => (i === index ? rule : r)));
  return (
    <div className="veil-rules__custom">
      {rules.length > 0 && (
        <table className="veil-rules__table">
          <thead>
            <tr>
              <th scope="col">Tag or keyword</th>
              <th scope="col">Action</th>
              <th scope="col">Value or days</th>
              <th scope="col">
                <span className="veil-visually-hidden">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rules.map((rule, index) => {
              const n = index + 1;
              return (
                <tr key={index}>
                  <td>
                    <input
                      className="veil-input"
                      aria-label={`Rule ${n} tag or keyword`}
                      placeholder="(0010,0010) or PatientName"
                      value={rule.tag}
                      disabled={disabled}
                      onChange={(e) => update(index, { ...rule, tag: e.currentTarget.value })}
                    />
                    {(isPrivateForm(rule.tag) || rule.creator !== undefined) && (
                      <input
                        className="veil-input veil-rules__creator"
                        aria-label={`Rule ${n} private creator`}
                        placeholder="Private creator"
                        value={rule.creator ?? ''}
                        disabled={disabled}
                        onChange={(e) => {
                          const rest = without(rule, 'creator');
                          const creator = e.currentTarget.value;
                          update(index, creator === '' ? rest : { ...rest, creator });
                        }}
                      />
                    )}
                  </td>
                  <td>
                    <select
                      className="veil-input"
                      aria-label={`Rule ${n} action`}
                      value={rule.action}
                      disabled={disabled}
                      onChange={(e) =>
                        update(index, withAction(rule, e.currentTarget.value as CustomAction))
                      }
                    >
                      {CUSTOM_ACTIONS.map((action) => (
                        <option key={action} value={action}>
                          {ACTION_LABEL[action]}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    {rule.action === 'replace' && (
                      <input
                        className="veil-input"
                        aria-label={`Rule ${n} value`}
                        value={rule.value ?? ''}
                        disabled={disabled}
                        onChange={(e) => update(index, { ...rule, value: e.currentTarget.value })}
                      />
                    )}
                    {rule.action === 'shift' && (
                      <NumberField
                        label={`Rule ${n} days`}
                        value={rule.days}
                        disabled={disabled}
                        onChange={(days) => {
                          const rest = without(rule, 'days');
                          update(index, days === undefined ? rest : { ...rest, days });
                        }}
                      />
                    )}
                  </td>
                  <td>
                    <button
                      type="button"
                      className="veil-button"
                      aria-label={`Remove rule ${n}`}
                      disabled={disabled}
                      onClick={() => onChange(rules.filter((_, i) => i !== index))}
                    >
                      ✕
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <button
        type="button"
        className="veil-button"
        disabled={disabled}
        onClick={() => onChange([...rules, { tag: '', action: 'remove' }])}
      >
        Add rule
      </button>
    </div>
  );
}
