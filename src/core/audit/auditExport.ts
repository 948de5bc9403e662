import { logAnchor, verifyChain, type ChainVerdict } from './chain';
import type { AuditEntry } from './events';
import { HASH, isPlainObject, RANDOM_ID } from './patterns';

/**
 * `audit.json`: a run of consecutive entries that can be checked on its own.
 *
 * ```
 * { "format": "veil-audit", "version": 1, "logId": "…", "anchor": "<hash>", "entries": [ … ] }
 * ```
 *
 * `anchor` is the hash the first entry links to: the hash of the entry before it, or for a run
 * that starts at entry 1 the log's anchor (SHA-256 of `veil-audit-log:` + logId). A segment can
 * be verified without the rest of the log; whoever holds the full log (or an earlier export) can
 * also confirm that the anchor is the hash of an entry they have.
 */
export interface AuditExport {
  readonly format: 'veil-audit';
  readonly version: 1;
  readonly logId: string;
  readonly anchor: string;
  readonly entries: readonly AuditEntry[];
}

export const AUDIT_EXPORT_FORMAT = 'veil-audit';

/**
 * The export of `entries` (consecutive, oldest first). `anchor` defaults to what the first entry
 * links to, or for no entries the log's anchor; pass the stored anchor for a whole log.
 */
export function exportSegment(
  entries: readonly AuditEntry[],
  logId: string,
  anchor: string = entries[0]?.prevHash ?? logAnchor(logId).hash,
): AuditExport {
  return { format: AUDIT_EXPORT_FORMAT, version: 1, logId, anchor, entries: [...entries] };
}

/** The export as JSON text: one entry per line, so a diff of two exports reads entry by entry. */
export function serializeAuditExport(data: AuditExport): string {
  const top = (['format', 'version', 'logId', 'anchor'] as const).map(
    (key) => `  ${JSON.stringify(key)}: ${JSON.stringify(data[key])},`,
  );
  const entries = data.entries.map((entry) => `    ${JSON.stringify(entry)}`).join(',\n');
  const list = entries === '' ? '[]' : `[\n${entries}\n  ]`;
  return `{\n${top.join('\n')}\n  "entries": ${list}\n}\n`;
}

export class AuditExportFormatError extends Error {
  override readonly name = 'AuditExportFormatError';
}

/**
 * Reads the top level of an export. Entries are not checked here (verifyAuditExport does, and
 * names the first bad one); a file that is not an audit export at all throws
 * AuditExportFormatError with a message that quotes nothing from the file.
 */
export function parseAuditExport(text: string): {
  readonly logId: string;
  readonly anchor: string;
  readonly entries: readonly unknown[];
} {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new AuditExportFormatError('not JSON');
  }
  if (!isPlainObject(data) || data.format !== AUDIT_EXPORT_FORMAT) {
    throw new AuditExportFormatError(
      `not a Veil audit export (format must be "${AUDIT_EXPORT_FORMAT}")`,
    );
  }
  if (data.version !== 1) throw new AuditExportFormatError('unsupported audit export version');
  if (typeof data.logId !== 'string' || !RANDOM_ID.test(data.logId)) {
    throw new AuditExportFormatError('logId is missing or malformed');
  }
  if (typeof data.anchor !== 'string' || !HASH.test(data.anchor)) {
    throw new AuditExportFormatError('anchor is missing or malformed');
  }
  if (!Array.isArray(data.entries)) throw new AuditExportFormatError('entries must be a list');
  return { logId: data.logId, anchor: data.anchor, entries: data.entries as unknown[] };
}

/**
 * Verifies an export on its own. An export anchored at the log's own anchor starts at entry 1, and
 * an export whose first entry is entry 1 must be anchored there: so changing the log id, or cutting
 * the first entries off a whole-log export, is caught too.
 */
export function verifyAuditExport(data: {
  readonly logId: string;
  readonly anchor: string;
  readonly entries: readonly unknown[];
}): ChainVerdict {
  const genesis = logAnchor(data.logId);
  const first = data.entries[0] as { seq?: unknown } | undefined;
  if (data.anchor !== genesis.hash && first?.seq === 1) {
    return { ok: false, firstBad: 1, index: 0, reason: 'bad-anchor' };
  }
  return verifyChain(data.entries, data.anchor === genesis.hash ? genesis : { hash: data.anchor });
}
