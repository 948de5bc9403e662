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
  type ChainVerdict,
} from '../core/audit';
import { VeilError } from '../core/errors';
import { queryAudit, type AuditPage, type AuditQuery } from './auditQuery';
import type { LogMeta, MetaRecord } from './records';
import type { VeilDb, VeilStoreName, WriteTx } from './schema';

/** Entries written before anyone typed a name (e.g. a retention run at first start). */
export const UNSET_OPERATOR = 'Operator not set';

export interface AuditLogOptions {
  /** Written into every entry (package.json's version). */
  readonly appVersion: string;
  /** Epoch ms; injectable so tests can move time. */
  readonly now?: () => number;
  /** CSPRNG bytes, for the log id of a new log. */
  readonly random?: (length: number) => Uint8Array;
}

export type LogVerdict = ChainVerdict & {
  /** How many entries the log holds now. */
  readonly count: number;
};

/**
 * The audit trail in IndexedDB. Every write runs in one readwrite transaction over `audit` and
 * `meta` (plus whatever stores the change itself touches), in which the next entry is chained to
 * the stored head and the head moves: a change and its entry commit together or not at all, and
 * two tabs appending at once are serialised by IndexedDB itself. Within a tab, writes also go
 * through a promise queue, so entries take seqs in the order `append` was called.
 *
 * Nothing inside a transaction awaits anything but that transaction's own requests (the entry
 * hash is synchronous), so transactions never auto-commit half way.
 */
export class AuditLog {
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly db: VeilDb,
    readonly logId: string,
    private readonly appVersion: string,
    private readonly now: () => number,
  ) {}

  /** Opens the log in `db`, creating it (with a new random log id) on first use. */
  static async open(db: VeilDb, options: AuditLogOptions): Promise<AuditLog> {
    const now = options.now ?? Date.now;
    const random = options.random ?? ((n: number) => crypto.getRandomValues(new Uint8Array(n)));
    const tx = db.transaction('meta', 'readwrite');
    let log = asLog(await tx.store.get('log'));
    if (log === undefined) {
      const logId = newRandomId(random(16));
      const anchor = logAnchor(logId);
      log = {
        kind: 'log',
        logId,
        created: new Date(now()).toISOString(),
        anchor,
        head: linkBefore(anchor),
      };
      await tx.store.add(log);
    }
    await tx.done;
    return new AuditLog(db, log.logId, options.appVersion, now);
  }

  /** Appends one entry for `event`; rejects (and stores nothing) if the event fails the guard. */
  async append(event: AuditEvent): Promise<AuditEntry> {
    const [entry] = await this.transact([], async () => [event]);
    return entry!;
  }

  /** Appends several entries in one transaction, in order (a run logs its files in groups). */
  appendMany(events: readonly AuditEvent[]): Promise<AuditEntry[]> {
    return this.transact([], async () => events);
  }

  /**
   * Runs `work` in a readwrite transaction over `stores` + audit + meta, then appends the events it
   * returns in the same transaction. `work` must only use `tx` (no fetch, no file reads, no
   * timers): awaiting anything else lets the transaction commit early.
   */
  transact(
    stores: readonly VeilStoreName[],
    work: (tx: WriteTx) => Promise<readonly AuditEvent[]>,
  ): Promise<AuditEntry[]> {
    const run = this.tail.then(() => this.write(stores, work));
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Resolves when every write queued so far has finished. */
  async flush(): Promise<void> {
    await this.tail;
  }

  private async write(
    stores: readonly VeilStoreName[],
    work: (tx: WriteTx) => Promise<readonly AuditEvent[]>,
  ): Promise<AuditEntry[]> {
    const names = [...new Set<VeilStoreName>([...stores, 'audit', 'meta'])];
    const tx = this.db.transaction(names, 'readwrite');
    // Aborting on failure rejects `done`; the error that caused it is what the caller gets.
    tx.done.catch(() => undefined);
    try {
      const events = await work(tx);
      const meta = tx.objectStore('meta');
      const log = requireLog(await meta.get('log'));
      const settings = await meta.get('settings');
      const operator = (settings?.kind === 'settings' && settings.operator) || UNSET_OPERATOR;
      let head = log.head;
      const entries: AuditEntry[] = [];
      for (const event of events) {
        const time = new Date(this.now()).toISOString();
        const entry = appendEntry(head, { time, operator, appVersion: this.appVersion, event });
        await tx.objectStore('audit').add(entry);
        entries.push(entry);
        head = entry;
      }
      if (entries.length > 0) await meta.put({ ...log, head: { seq: head.seq, hash: head.hash } });
      await tx.done;
      return entries;
    } catch (error) {
      try {
        tx.abort();
      } catch {
        // Already finished or aborted.
      }
      throw error;
    }
  }

  /**
   * Checks the stored chain from its anchor to its head and names the first bad entry. The anchor
   * is the log's own (entry 1) or, after audit retention, the hash the oldest kept entry links to.
   */
  async verify(): Promise<LogVerdict> {
    await this.flush();
    const { log, entries } = await this.readAll();
    const count = entries.length;
    if (log.anchor.seq === 1 && log.anchor.hash !== logAnchor(log.logId).hash) {
      return { ok: false, firstBad: 1, index: 0, reason: 'bad-anchor', count };
    }
    return { ...verifyChain(entries, log.anchor, log.head), count };
  }

  /** One page of entries, newest first unless `order: 'asc'`, with the total that match. */
  async query(query: AuditQuery = {}): Promise<AuditPage> {
    await this.flush();
    return queryAudit(this.db, query);
  }

  /** The whole log as a verifiable `veil-audit` JSON file; the export itself is then logged. */
  async exportJson(): Promise<string> {
    await this.flush();
    const { log, entries } = await this.readAll();
    const text = serializeAuditExport(exportSegment(entries, log.logId, log.anchor.hash));
    await this.append(exportedEvent('json', entries));
    return text;
  }

  /** The whole log as CSV for spreadsheets; the export itself is then logged. */
  async exportCsv(): Promise<string> {
    await this.flush();
    const { entries } = await this.readAll();
    const text = toCsv(entries);
    await this.append(exportedEvent('csv', entries));
    return text;
  }

  /**
   * The run of entries from the first to the last one that names `batchId`, as an export that
   * verifies on its own (for the `audit.json` of that batch's export zip). Entries of other work
   * done in between are part of the run: a chain has no gaps. Take it before logging the
   * `exported` event, whose archive hash covers the file this segment goes into.
   */
  async segmentForBatch(batchId: string): Promise<AuditExport> {
    await this.flush();
    const tx = this.db.transaction(['audit', 'meta']);
    const seqs = await tx.objectStore('audit').index('byBatch').getAllKeys(batchId);
    const log = requireLog(await tx.objectStore('meta').get('log'));
    if (seqs.length === 0) {
      await tx.done;
      throw new VeilError('INTERNAL', 'the audit log has no entry for this batch');
    }
    const first = Math.min(...seqs);
    const last = Math.max(...seqs);
    const entries = await tx.objectStore('audit').getAll(IDBKeyRange.bound(first, last));
    await tx.done;
    return exportSegment(entries, log.logId);
  }

  /** Every operator name the log holds, sorted (for the audit view's filter). */
  async operators(): Promise<string[]> {
    await this.flush();
    const names = new Set<string>();
    let cursor = await this.db.transaction('audit').store.openCursor();
    while (cursor) {
      names.add(cursor.value.operator);
      cursor = await cursor.continue();
    }
    return [...names].sort((a, b) => a.localeCompare(b));
  }

  /** The log record (anchor, head) as stored now. */
  async meta(): Promise<LogMeta> {
    return requireLog(await this.db.get('meta', 'log'));
  }

  private async readAll(): Promise<{ log: LogMeta; entries: AuditEntry[] }> {
    const tx = this.db.transaction(['audit', 'meta']);
    const entries = await tx.objectStore('audit').getAll();
    const log = requireLog(await tx.objectStore('meta').get('log'));
    await tx.done;
    return { log, entries };
  }
}

const asLog = (record: MetaRecord | undefined): LogMeta | undefined =>
  record?.kind === 'log' ? record : undefined;

function requireLog(record: MetaRecord | undefined): LogMeta {
  const log = asLog(record);
  if (!log) throw new VeilError('INTERNAL', 'the audit log record is missing from the database');
  return log;
}

const exportedEvent = (format: 'json' | 'csv', entries: readonly AuditEntry[]): AuditEvent => {
  const last = entries[entries.length - 1];
  return {
    type: 'audit-exported',
    format,
    entryCount: entries.length,
    ...(last ? { lastSeq: last.seq } : {}),
  };
};
