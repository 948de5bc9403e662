import { isOperatorName, type AuditEvent } from '../core/audit';
import { VeilError } from '../core/errors';
import type { LocalData } from './open';
import type { RetentionPolicy, SettingsMeta } from './records';
import type { VeilDb } from './schema';

export type Settings = Omit<SettingsMeta, 'kind'>;

/** Ten years, leap days included: the common retention for records of processing. */
export const DEFAULT_AUDIT_DAYS = 3653;

/**
 * Working data is kept one day by default: long enough to resume after a crash or a reload the
 * next morning, short enough that a forgotten batch does not linger.
 */
export const DEFAULT_RETENTION: RetentionPolicy = { workingData: 1, auditDays: DEFAULT_AUDIT_DAYS };

export const DEFAULT_SETTINGS: Settings = {
  operator: null,
  retention: DEFAULT_RETENTION,
  requireSignOff: false,
};

export interface SettingsPatch {
  /** Trimmed; 1 to 64 letters, digits, spaces and . ' , ( ) @ _ - */
  readonly operator?: string;
  readonly retention?: Partial<RetentionPolicy>;
  readonly requireSignOff?: boolean;
}

export async function loadSettings(db: VeilDb): Promise<Settings> {
  const record = await db.get('meta', 'settings');
  return record?.kind === 'settings' ? withoutKind(record) : DEFAULT_SETTINGS;
}

/**
 * Changes settings and logs one `settings-changed` entry per setting that really changed, in the
 * same transaction. A value the audit guard refuses (0 days, a name with a line break) changes
 * nothing and rejects.
 */
export async function updateSettings(data: LocalData, patch: SettingsPatch): Promise<Settings> {
  const operator = checkedOperator(patch);
  let result = DEFAULT_SETTINGS;
  await data.audit.transact([], async (tx) => {
    const stored = await tx.objectStore('meta').get('settings');
    const current = stored?.kind === 'settings' ? withoutKind(stored) : DEFAULT_SETTINGS;
    const next = applySettingsPatch(current, { ...patch, ...(operator ? { operator } : {}) });
    const events = settingsEvents(current, next);
    if (events.length > 0) await tx.objectStore('meta').put({ kind: 'settings', ...next });
    result = next;
    return events;
  });
  return result;
}

/** The trimmed operator name of a patch; throws when it is not one the audit guard allows. */
export function checkedOperator(patch: SettingsPatch): string | undefined {
  const operator = patch.operator?.trim();
  if (operator !== undefined && !isOperatorName(operator)) {
    throw new VeilError(
      'INTERNAL',
      "an operator name is 1 to 64 letters, digits, spaces and . ' , ( ) @ _ -, starting with a letter or digit",
    );
  }
  return operator;
}

/** The settings after `patch` (no validation: see checkedOperator and the audit guard). */
export function applySettingsPatch(current: Settings, patch: SettingsPatch): Settings {
  return {
    operator: patch.operator?.trim() ?? current.operator,
    retention: { ...current.retention, ...patch.retention },
    requireSignOff: patch.requireSignOff ?? current.requireSignOff,
  };
}

/** One `settings-changed` event per setting that differs between `current` and `next`. */
export function settingsEvents(current: Settings, next: Settings): AuditEvent[] {
  const events: AuditEvent[] = [];
  const changed = (setting: Extract<AuditEvent, { type: 'settings-changed' }>) =>
    events.push(setting);
  if (next.operator !== current.operator) {
    changed({ type: 'settings-changed', setting: 'operator' });
  }
  if (next.retention.workingData !== current.retention.workingData) {
    const value = next.retention.workingData;
    changed({ type: 'settings-changed', setting: 'working-data-retention', value });
  }
  if (next.retention.auditDays !== current.retention.auditDays) {
    const value = next.retention.auditDays;
    changed({ type: 'settings-changed', setting: 'audit-retention-days', value });
  }
  if (next.requireSignOff !== current.requireSignOff) {
    const value = next.requireSignOff;
    changed({ type: 'settings-changed', setting: 'require-sign-off', value });
  }
  return events;
}

const withoutKind = ({ kind: _kind, ...settings }: SettingsMeta): Settings => settings;
