import {
  appendEntry,
  exportSegment,
  linkBefore,
  logAnchor,
  newRandomId,
  serializeAuditExport,
  toCsv,
  verifyChain,
  type AuditEntry,
  type AuditEvent,
  type AuditExport,
  type ChainLink,
} from '../../core/audit';
import { VeilError } from '../../core/errors';
import { auditMatcher, UNSET_OPERATOR, type AuditQuery } from '../../audit';
import type { AuditTrail } from './trail';

export interface MemoryTrailOptions {
  readonly appVersion: string;
  readonly now: () => number;
  readonly random: (length: number) => Uint8Array;
  /** The operator name to stamp on the next entry (null: not set). */
  readonly operator: () => string | null;
}

/**
 * An audit trail held in this tab only: for a browser without IndexedDB, once the person has
 * acknowledged going on without a stored trail. Its entries are chained exactly as the stored log's
 * (core/audit), so the export zip's audit.json still verifies on its own; they are gone when the
 * tab closes, which is what the acknowledgement and the export report say.
 */
export function memoryTrail(options: MemoryTrailOptions): AuditTrail {
  const logId = newRandomId(options.random(16));
  const anchor = logAnchor(logId);
  const entries: AuditEntry[] = [];
  let head: ChainLink = linkBefore(anchor);

  const append = async (events: readonly AuditEvent[]): Promise<AuditEntry[]> => {
    const added: AuditEntry[] = [];
    let link = head;
    for (const event of events) {
      const entry = appendEntry(link, {
        time: new Date(options.now()).toISOString(),
        operator: options.operator() ?? UNSET_OPERATOR,
        appVersion: options.appVersion,
        event,
      });
      added.push(entry);
      link = entry;
    }
    // All or nothing, like a transaction: a refused event leaves the chain as it was.
    entries.push(...added);
    head = link;
    return added;
  };
  const exported = (format: 'json' | 'csv', list: readonly AuditEntry[]): AuditEvent => {
    const last = list[list.length - 1];
    return {
      type: 'audit-exported',
      format,
      entryCount: list.length,
      ...(last ? { lastSeq: last.seq } : {}),
    };
  };

  return {
    kind: 'memory',
    logId,
    append,
    query: async (query: AuditQuery) => {
      const match = auditMatcher(query);
      const matching = match ? entries.filter(match) : [...entries];
      if ((query.order ?? 'desc') === 'desc') matching.reverse();
      const offset = Math.max(0, Math.trunc(query.offset ?? 0));
      const limit = Math.max(0, Math.trunc(query.limit ?? 100));
      return { total: matching.length, entries: matching.slice(offset, offset + limit) };
    },
    operators: async () =>
      [...new Set(entries.map((e) => e.operator))].sort((a, b) => a.localeCompare(b)),
    verify: async () => ({ ...verifyChain(entries, anchor, head), count: entries.length }),
    exportJson: async () => {
      const list = [...entries];
      const text = serializeAuditExport(exportSegment(list, logId, anchor.hash));
      await append([exported('json', list)]);
      return text;
    },
    exportCsv: async () => {
      const list = [...entries];
      const text = toCsv(list);
      await append([exported('csv', list)]);
      return text;
    },
    segmentForBatch: async (batchId: string): Promise<AuditExport> => {
      const names = (e: AuditEntry) => 'batchId' in e.event && e.event.batchId === batchId;
      const first = entries.findIndex(names);
      const last = entries.findLastIndex(names);
      if (first === -1)
        throw new VeilError('INTERNAL', 'the audit trail has no entry for this batch');
      return exportSegment(entries.slice(first, last + 1), logId);
    },
  };
}
