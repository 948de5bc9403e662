import type { AuditEntry, AuditEvent, AuditEventType } from '../../core/audit';
import { formatBytes, plural } from './format';

/** Every event type with the name the audit view gives it, in the order of a batch's life. */
export const EVENT_LABELS: Readonly<Record<AuditEventType, string>> = {
  'files-imported': 'Files imported',
  'phi-viewed': 'Original viewed (PHI)',
  'profile-chosen': 'Profile chosen',
  'profile-changed': 'Profile changed',
  'key-generated': 'Key generated',
  'key-imported': 'Key imported',
  'key-exported': 'Key exported',
  'file-deidentified': 'File de-identified',
  'file-failed': 'File failed',
  'review-signed-off': 'Review signed off',
  exported: 'Exported',
  'retention-deleted': 'Deleted (retention)',
  'audit-exported': 'Audit log exported',
  'settings-changed': 'Setting changed',
  'no-audit-acknowledged': 'Ran without stored audit trail',
};

export const EVENT_TYPES = Object.keys(EVENT_LABELS) as AuditEventType[];

/** A hash as a person compares it at a glance: its first 12 digits. */
export const shortHash = (hash: string): string => `${hash.slice(0, 12)}…`;

const SETTING_LABELS = {
  'working-data-retention': 'working data kept',
  'audit-retention-days': 'audit entries kept',
  'require-sign-off': 'sign-off required before export',
  operator: 'operator name',
} as const;

const DELETED_LABELS = {
  batches: ['batch', 'batches'],
  results: ['result', 'results'],
  'pseudonym-tables': ['pseudonym table', 'pseudonym tables'],
  keys: ['project key', 'project keys'],
  'audit-entries': ['audit entry', 'audit entries'],
} as const;

const REASONS = { expired: 'expired', purge: 'purge now', person: 'deleted by the operator' };

/** How long something is kept, as the settings say it. */
export function retentionLabel(value: 'tab' | number): string {
  if (value === 'tab') return 'until the tab closes';
  // Whole years as the settings offer them (leap days included: 10 years is 3,653 days).
  const years = Math.round(value / 365.25);
  if (years >= 1 && Math.abs(years * 365.25 - value) <= 1) return plural(years, 'year');
  return plural(value, 'day');
}

/** One line of what an event says (hashes shortened; never more than the entry holds). */
export function eventSummary(event: AuditEvent): string {
  switch (event.type) {
    case 'files-imported':
      return `${plural(event.count, 'file')}, ${formatBytes(event.bytes)}`;
    case 'phi-viewed':
      return `${event.view === 'tags' ? 'original tags' : 'original image'} of ${shortHash(event.inputHash)}`;
    case 'profile-chosen':
      return `profile ${shortHash(event.profileHash)} (format v${event.profileVersion})`;
    case 'profile-changed':
      return `profile ${shortHash(event.profileHash)} (was ${shortHash(event.previousHash)})`;
    case 'key-generated':
    case 'key-imported':
    case 'key-exported':
      return `key ${event.fingerprint}`;
    case 'file-deidentified': {
      const changes = Object.entries(event.counts)
        .filter(([kind, n]) => n > 0 && kind !== 'kept')
        .map(([kind, n]) => `${n} ${kind}`)
        .join(', ');
      const warnings = event.warnings.length > 0 ? `; warnings ${event.warnings.join(' ')}` : '';
      return `${shortHash(event.inputHash)} → ${shortHash(event.outputHash)}: ${changes || 'no change'}${warnings}`;
    }
    case 'file-failed':
      return `${shortHash(event.inputHash)}: ${event.errorCode}`;
    case 'review-signed-off':
      return `batch hash ${shortHash(event.batchHash)}, ${plural(event.fileCount, 'file')}`;
    case 'exported':
      return `archive ${shortHash(event.archiveHash)}, ${plural(event.fileCount, 'file')}, mapping ${event.mappingIncluded ? 'included' : 'not included'}`;
    case 'retention-deleted': {
      const [one, many] = DELETED_LABELS[event.what];
      return `${plural(event.count, one, many)} (${REASONS[event.reason]})`;
    }
    case 'audit-exported':
      return `${event.format.toUpperCase()}, ${plural(event.entryCount, 'entry', 'entries')}`;
    case 'settings-changed': {
      const label = SETTING_LABELS[event.setting];
      if (event.setting === 'operator') return `${label} set`;
      if (event.setting === 'require-sign-off') return `${label}: ${event.value ? 'yes' : 'no'}`;
      return `${label}: ${retentionLabel(event.value)}`;
    }
    case 'no-audit-acknowledged':
      return 'this browser could keep no audit trail; the operator chose to go on';
  }
}

/** Local date and time to the second, as people read it (the entry itself keeps UTC). */
export function localTime(iso: string): string {
  const d = new Date(iso);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** The entry's own fields, for the detail pane (everything it holds, nothing else). */
export function entryDetail(entry: AuditEntry): string {
  return JSON.stringify(entry, null, 2);
}
