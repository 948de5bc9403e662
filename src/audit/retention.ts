import type { AuditEvent } from '../core/audit';
import type { LocalData } from './open';
import type { LogMeta, RetentionPolicy } from './records';
import { WORKING_STORES } from './schema';
import { loadSettings } from './settings';
import { deleted } from './workingData';

/**
 * Retention: working data (batches, cached results, pseudonym tables) is deleted when its policy
 * runs out; audit entries older than the audit policy are deleted oldest first. Every deletion is
 * logged in the same transaction that makes it. Working data and the audit log are never deleted
 * together: no function here clears the log.
 */

export const DAY_MS = 86_400_000;

/**
 * Under the 'tab' policy, another tab's working data is deleted once that tab has not been seen
 * for this long. Each open tab's timer refreshes its own data every RETENTION_INTERVAL_MS; browsers
 * throttle timers in hidden tabs to about once a minute, so 10 minutes leaves a wide margin, and a
 * crashed or closed tab's data is gone at the first run after that.
 */
export const TAB_GRACE_MS = 10 * 60_000;
export const RETENTION_INTERVAL_MS = 60_000;

export interface RetentionReport {
  readonly batches: number;
  readonly results: number;
  readonly pseudonymTables: number;
  readonly keys: number;
  readonly auditEntries: number;
  /** Old audit entries were due but kept, because the chain does not verify (keep the evidence). */
  readonly auditKept?: 'chain-broken';
}

const NOTHING: RetentionReport = {
  batches: 0,
  results: 0,
  pseudonymTables: 0,
  keys: 0,
  auditEntries: 0,
};

/** Applies the stored policy as of `now`: at start-up and on every timer tick. */
export async function enforceRetention(
  data: LocalData,
  now: number = data.now(),
): Promise<RetentionReport> {
  const { retention } = await loadSettings(data.db);
  const working = await deleteExpiredWorkingData(data, retention, now);
  const audit = await deleteOldAuditEntries(data, retention.auditDays, now);
  return { ...working, ...audit };
}

function expired(
  record: { readonly sessionId: string; readonly touched: number },
  policy: RetentionPolicy['workingData'],
  data: LocalData,
  now: number,
): boolean {
  if (policy === 'tab') {
    return record.sessionId !== data.sessionId && now - record.touched > TAB_GRACE_MS;
  }
  return now - record.touched > policy * DAY_MS;
}

async function deleteExpiredWorkingData(
  data: LocalData,
  retention: RetentionPolicy,
  now: number,
): Promise<RetentionReport> {
  let report = NOTHING;
  await data.audit.transact(WORKING_STORES, async (tx) => {
    const batches = tx.objectStore('batches');
    const results = tx.objectStore('results');
    const tables = tx.objectStore('pseudonymTables');
    const gone = new Set<string>();
    for (const batch of await batches.getAll()) {
      if (!expired(batch, retention.workingData, data, now)) continue;
      await batches.delete(batch.id);
      gone.add(batch.id);
    }
    // Results go with their batch, and so do results whose batch is already gone.
    const kept = new Set(await batches.getAllKeys());
    let resultCount = 0;
    for (const key of await results.getAllKeys()) {
      if (kept.has(key[0])) continue;
      await results.delete(key);
      resultCount++;
    }
    let tableCount = 0;
    for (const table of await tables.getAll()) {
      if (!expired(table, retention.workingData, data, now)) continue;
      await tables.delete(table.id);
      tableCount++;
    }
    report = { ...NOTHING, batches: gone.size, results: resultCount, pseudonymTables: tableCount };
    return deletionEvents(report, 'expired');
  });
  return report;
}

/**
 * Deletes entries older than `days` from the oldest up, stopping at the first newer one, so the
 * rest stays one unbroken chain. The log's anchor moves to the last deleted entry's hash, which the
 * first remaining entry already stores: nothing is re-hashed, and exports of the rest verify on
 * their own. The deletion entry records that anchor. A chain that does not verify is left whole.
 */
async function deleteOldAuditEntries(
  data: LocalData,
  days: number,
  now: number,
): Promise<Pick<RetentionReport, 'auditEntries' | 'auditKept'>> {
  const cutoff = now - days * DAY_MS;
  const [oldest] = await data.db.getAll('audit', null, 1);
  // Deleting verifies the whole log first, so it runs in daily batches, not on every tick as each
  // entry comes of age: an entry may outlive its policy by up to a day.
  if (!oldest || !(Date.parse(oldest.time) < cutoff - DAY_MS)) return { auditEntries: 0 };
  const verdict = await data.audit.verify();
  if (!verdict.ok) return { auditEntries: 0, auditKept: 'chain-broken' };
  let count = 0;
  await data.audit.transact([], async (tx) => {
    let cursor = await tx.objectStore('audit').openCursor();
    let last: { seq: number; hash: string } | undefined;
    while (cursor && Date.parse(cursor.value.time) < cutoff) {
      last = { seq: cursor.value.seq, hash: cursor.value.hash };
      await cursor.delete();
      count++;
      cursor = await cursor.continue();
    }
    if (!last) return [];
    const meta = tx.objectStore('meta');
    const log = (await meta.get('log')) as LogMeta;
    await meta.put({ ...log, anchor: { seq: last.seq + 1, hash: last.hash } });
    return [deleted('audit-entries', count, 'expired', last.hash)];
  });
  return { auditEntries: count };
}

/**
 * "Purge now": deletes every batch, cached result and pseudonym table at once (and the stored
 * project keys when `keys` is set), and logs it, counts of zero included, so the person's action
 * is on record. The audit log itself is untouched.
 */
export async function purgeWorkingData(
  data: LocalData,
  options: { readonly keys?: boolean } = {},
): Promise<RetentionReport> {
  let report = NOTHING;
  const stores = options.keys ? [...WORKING_STORES, 'keys' as const] : [...WORKING_STORES];
  await data.audit.transact(stores, async (tx) => {
    const clear = async (name: (typeof stores)[number]): Promise<number> => {
      const store = tx.objectStore(name);
      const n = await store.count();
      await store.clear();
      return n;
    };
    report = {
      ...NOTHING,
      batches: await clear('batches'),
      results: await clear('results'),
      pseudonymTables: await clear('pseudonymTables'),
      keys: options.keys ? await clear('keys') : 0,
    };
    return deletionEvents(report, 'purge', { always: true, keys: options.keys === true });
  });
  return report;
}

function deletionEvents(
  report: RetentionReport,
  reason: 'expired' | 'purge',
  options: { always?: boolean; keys?: boolean } = {},
): AuditEvent[] {
  const counts = [
    ['batches', report.batches],
    ['results', report.results],
    ['pseudonym-tables', report.pseudonymTables],
    ...(options.keys ? [['keys', report.keys] as const] : []),
  ] as const;
  return counts
    .filter(([, n]) => options.always || n > 0)
    .map(([what, n]) => deleted(what, n, reason));
}

/**
 * Under the 'tab' policy, marks this tab's working data as alive now, so other tabs' retention
 * runs leave it alone. Does nothing under a days policy (there, age counts from the last save).
 */
export async function touchSession(data: LocalData, now: number = data.now()): Promise<void> {
  const { retention } = await loadSettings(data.db);
  if (retention.workingData !== 'tab') return;
  const tx = data.db.transaction(['batches', 'pseudonymTables'], 'readwrite');
  const batches = tx.objectStore('batches');
  for (const batch of await batches.getAll()) {
    if (batch.sessionId === data.sessionId) await batches.put({ ...batch, touched: now });
  }
  const tables = tx.objectStore('pseudonymTables');
  for (const table of await tables.getAll()) {
    if (table.sessionId === data.sessionId) await tables.put({ ...table, touched: now });
  }
  await tx.done;
}

/** Time, injectable: tests move it forward and fire the ticks themselves. */
export interface RetentionClock {
  now(): number;
  /** Calls `tick` every `ms` until the returned function is called. */
  every(ms: number, tick: () => void): () => void;
}

export const systemClock: RetentionClock = {
  now: () => Date.now(),
  every: (ms, tick) => {
    const id = setInterval(tick, ms);
    return () => clearInterval(id);
  },
};

export interface RetentionTimer {
  /** Runs one enforcement now (waits for a run already under way instead of overlapping it). */
  runNow(): Promise<RetentionReport>;
  stop(): void;
}

/**
 * Enforces retention at once (start-up) and then every `intervalMs`, refreshing this tab's working
 * data first under the 'tab' policy. Runs never overlap. Errors go to `onError` (the timer keeps
 * going: a failed run is retried on the next tick).
 */
export function startRetentionTimer(
  data: LocalData,
  clock: RetentionClock = systemClock,
  options: {
    readonly intervalMs?: number;
    readonly onReport?: (report: RetentionReport) => void;
    readonly onError?: (error: unknown) => void;
  } = {},
): RetentionTimer {
  let running: Promise<RetentionReport> | undefined;
  let stopped = false;
  const runNow = (): Promise<RetentionReport> => {
    running ??= (async () => {
      try {
        const now = clock.now();
        await touchSession(data, now);
        const report = await enforceRetention(data, now);
        options.onReport?.(report);
        return report;
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
  const tick = (): void => {
    if (stopped) return;
    runNow().catch((error: unknown) => options.onError?.(error));
  };
  const cancel = clock.every(options.intervalMs ?? RETENTION_INTERVAL_MS, tick);
  tick();
  return {
    runNow,
    stop: () => {
      stopped = true;
      cancel();
    },
  };
}
