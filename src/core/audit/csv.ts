import { canonicalJson } from '../deid/profile';
import type { AuditEntry } from './events';

export const CSV_COLUMNS = [
  'seq',
  'time',
  'operator',
  'app_version',
  'event',
  'details',
  'prev_hash',
  'hash',
] as const;

/**
 * The log as CSV (RFC 4180, CRLF line ends) for spreadsheets: one row per entry, the event's
 * fields other than its type as canonical JSON in `details`. Not verifiable on its own (use the
 * JSON export for that), but every row keeps its hashes so it can be matched against one.
 */
export function toCsv(entries: readonly AuditEntry[]): string {
  const rows = entries.map((e) => {
    const { type, ...details } = e.event;
    return [
      String(e.seq),
      e.time,
      e.operator,
      e.appVersion,
      type,
      canonicalJson(details),
      e.prevHash,
      e.hash,
    ];
  });
  return [[...CSV_COLUMNS], ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

/**
 * Quotes when needed, and defuses cells a spreadsheet would run as a formula (OWASP "CSV
 * injection"): the operator name is typed text, so it could start with = + - @ or a tab.
 */
function cell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
