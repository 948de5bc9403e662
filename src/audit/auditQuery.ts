import type { AuditEntry, AuditEventType } from '../core/audit';
import type { VeilDb } from './schema';

export interface AuditQuery {
  /** Epoch ms, inclusive. */
  readonly from?: number;
  /** Epoch ms, exclusive. */
  readonly to?: number;
  /** Only these event types (all when absent or empty). */
  readonly types?: readonly AuditEventType[];
  /** Exact operator name. */
  readonly operator?: string;
  /** Matching entries to skip (paging). Default 0. */
  readonly offset?: number;
  /** Page size. Default 100. */
  readonly limit?: number;
  /** 'desc' (newest first, the default) or 'asc'. */
  readonly order?: 'asc' | 'desc';
}

export interface AuditPage {
  /** How many entries match the filters in all (for "page 3 of 40"). */
  readonly total: number;
  readonly entries: readonly AuditEntry[];
}

/**
 * Entries per read while scanning with filters: big enough that a 10,000-entry log is 20 reads,
 * small enough that memory stays flat however long the log grows.
 */
const CHUNK = 500;

/**
 * A page of the log. Without filters this is a count and a cursor moved straight to `offset`.
 * With filters it scans the whole log in chunks of seqs (seq order is chain order; time order
 * could differ if the clock was changed), counting matches and keeping the page: linear in the
 * log's length, with memory bounded by CHUNK + limit.
 */
export async function queryAudit(db: VeilDb, query: AuditQuery): Promise<AuditPage> {
  const offset = Math.max(0, Math.trunc(query.offset ?? 0));
  const limit = Math.max(0, Math.trunc(query.limit ?? 100));
  const desc = (query.order ?? 'desc') === 'desc';
  const match = auditMatcher(query);
  const tx = db.transaction('audit');

  if (match === undefined) {
    const total = await tx.store.count();
    const entries: AuditEntry[] = [];
    let cursor = await tx.store.openCursor(null, desc ? 'prev' : 'next');
    if (cursor && offset > 0) cursor = await cursor.advance(offset);
    while (cursor && entries.length < limit) {
      entries.push(cursor.value);
      cursor = await cursor.continue();
    }
    await tx.done;
    return { total, entries };
  }

  const lowest = (await tx.store.openKeyCursor(null, 'next'))?.key;
  const highest = (await tx.store.openKeyCursor(null, 'prev'))?.key;
  const entries: AuditEntry[] = [];
  let total = 0;
  if (lowest !== undefined && highest !== undefined) {
    for (let k = 0; k <= highest - lowest; k += CHUNK) {
      const lo = desc ? Math.max(lowest, highest - k - CHUNK + 1) : lowest + k;
      const hi = desc ? highest - k : Math.min(highest, lowest + k + CHUNK - 1);
      const chunk = await tx.store.getAll(IDBKeyRange.bound(lo, hi));
      if (desc) chunk.reverse();
      for (const entry of chunk) {
        if (!match(entry)) continue;
        if (total >= offset && entries.length < limit) entries.push(entry);
        total++;
      }
    }
  }
  await tx.done;
  return { total, entries };
}

/** The filters of `query` as a predicate; undefined when it filters nothing. */
export function auditMatcher(query: AuditQuery): ((entry: AuditEntry) => boolean) | undefined {
  const { from, to, operator } = query;
  const types = query.types && query.types.length > 0 ? new Set(query.types) : undefined;
  if (from === undefined && to === undefined && types === undefined && operator === undefined) {
    return undefined;
  }
  return (entry) => {
    if (types && !types.has(entry.event.type)) return false;
    if (operator !== undefined && entry.operator !== operator) return false;
    if (from === undefined && to === undefined) return true;
    const time = Date.parse(entry.time);
    return (from === undefined || time >= from) && (to === undefined || time < to);
  };
}
