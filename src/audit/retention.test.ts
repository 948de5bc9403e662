import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import {
  parseAuditExport,
  sampleEvents,
  sha256Hex,
  verifyAuditExport,
  type AuditEntry,
} from '../core/audit';
import { createProjectKey } from '../core/deid/projectKey';
import { defaultProfile } from '../core/deid/profile';
import { openLocalData, type LocalData } from './open';
import {
  DAY_MS,
  enforceRetention,
  purgeWorkingData,
  startRetentionTimer,
  TAB_GRACE_MS,
  type RetentionClock,
} from './retention';
import { updateSettings } from './settings';
import {
  saveBatch,
  saveKey,
  saveProfile,
  savePseudonymTable,
  saveResult,
  listBatches,
} from './workingData';

const T0 = Date.UTC(2024, 4, 1, 8);
let clock = T0;
let dbCount = 0;

async function open(name = `retention-${++dbCount}`, sessionId = 'a'.repeat(32)) {
  const result = await openLocalData({ name, appVersion: '0.1.0', sessionId, now: () => clock });
  if (!result.ok) throw new Error(result.problem.message);
  return result.data;
}

const h = (label: string) => sha256Hex(label);
const batchId = (n: number) => String(n).repeat(32).slice(0, 32);

/** A batch with two results (one done, one failed), as the store would save it. */
async function saveWork(data: LocalData, id: string): Promise<void> {
  await saveBatch(data, {
    id,
    profileHash: h('profile'),
    files: [
      { inputHash: h(`${id}in1`), size: 10 },
      { inputHash: h(`${id}in2`), size: 20 },
    ],
  });
  await saveResult(data, {
    batchId: id,
    inputHash: h(`${id}in1`),
    status: 'done',
    outputHash: h(`${id}out1`),
    output: new Blob([new Uint8Array([1, 2, 3])]),
    counts: sampleEvents()['file-deidentified'].counts,
    warnings: [],
    identity: {
      patientPseudonym: 'ANON-1',
      studyInstanceUid: '2.25.1',
      seriesInstanceUid: '2.25.2',
      sopInstanceUid: '2.25.3',
      modality: 'CT',
      instanceNumber: '1',
    },
  });
  await saveResult(data, {
    batchId: id,
    inputHash: h(`${id}in2`),
    status: 'failed',
    errorCode: 'TRUNCATED',
  });
}

const deletionEvents = async (data: LocalData) =>
  (await data.audit.query({ types: ['retention-deleted'], order: 'asc' })).entries.map(
    (e) => e.event,
  );

describe('working-data retention', () => {
  it('deletes batches, results and pseudonym tables past their days, logs it, keeps the rest', async () => {
    clock = T0;
    const data = await open();
    await data.audit.append(sampleEvents(batchId(1))['files-imported']);
    await saveWork(data, batchId(1));
    await savePseudonymTable(
      data,
      'original_patient_id,pseudonym_id,pseudonym_name\nP1,X1,ANON^1\n',
    );
    await saveKey(data, createProjectKey(new Uint8Array(32).fill(9)), 'generated');
    await saveProfile(data, defaultProfile());

    clock = T0 + 20 * 3600_000;
    await saveWork(data, batchId(2));

    // Default policy: 1 day. Twelve hours on, nothing is due.
    expect(await enforceRetention(data, T0 + 12 * 3600_000)).toMatchObject({
      batches: 0,
      results: 0,
      pseudonymTables: 0,
    });
    expect(await deletionEvents(data)).toEqual([]);

    clock = T0 + DAY_MS + 60_000;
    const report = await enforceRetention(data);
    expect(report).toMatchObject({ batches: 1, results: 2, pseudonymTables: 1, auditEntries: 0 });
    expect((await listBatches(data)).map((b) => b.id)).toEqual([batchId(2)]);
    expect(await data.db.count('results')).toBe(2);
    expect(await data.db.count('pseudonymTables')).toBe(0);
    expect(await data.db.count('keys')).toBe(1);
    expect(await data.db.count('profiles')).toBe(1);
    expect(await deletionEvents(data)).toEqual([
      { type: 'retention-deleted', what: 'batches', count: 1, reason: 'expired' },
      { type: 'retention-deleted', what: 'results', count: 2, reason: 'expired' },
      { type: 'retention-deleted', what: 'pseudonym-tables', count: 1, reason: 'expired' },
    ]);
    // The audit entry from before is still there, and the log verifies.
    expect((await data.db.get('audit', 1))!.event.type).toBe('files-imported');
    expect(await data.audit.verify()).toMatchObject({ ok: true, count: 4 });
    data.close();
  });

  it("under the 'tab' policy deletes other tabs' data once they stop refreshing it", async () => {
    clock = T0;
    const name = 'retention-tab';
    const tabA = await open(name, 'a'.repeat(32));
    const tabB = await open(name, 'b'.repeat(32));
    await updateSettings(tabA, { retention: { workingData: 'tab' } });
    await saveWork(tabA, batchId(1));
    await saveWork(tabB, batchId(2));

    // Tab B is alive: its timer refreshes its data. Twelve minutes after saving, A's run leaves
    // B's batch alone (without the refresh it would be past the grace period by now).
    clock = T0 + 8 * 60_000;
    const timerB = startRetentionTimer(tabB, manualClock().clock);
    await timerB.runNow();
    timerB.stop();
    clock = T0 + 12 * 60_000;
    expect((await enforceRetention(tabA)).batches).toBe(0);

    // Tab B closed: no more refreshes. After the grace period its batch goes; A's own stays.
    clock = T0 + 8 * 60_000 + TAB_GRACE_MS + 1;
    expect(await enforceRetention(tabA)).toMatchObject({ batches: 1, results: 2 });
    expect((await listBatches(tabA)).map((b) => b.id)).toEqual([batchId(1)]);
    tabA.close();
    tabB.close();
  });
});

describe('audit retention', () => {
  it('deletes the oldest entries only, and the rest still verifies from the stored anchor', async () => {
    clock = T0;
    const data = await open();
    await updateSettings(data, { operator: 'Ada', retention: { auditDays: 30 } });
    for (let day = 0; day < 60; day++) {
      clock = T0 + day * DAY_MS;
      await data.audit.append(sampleEvents()['key-exported']);
    }
    const before = await data.db.getAll('audit');
    clock = T0 + 62 * DAY_MS;
    const report = await enforceRetention(data);
    const cutoff = clock - 30 * DAY_MS;
    const expectedGone = before.filter((e) => Date.parse(e.time) < cutoff);
    expect(report.auditEntries).toBe(expectedGone.length);
    expect(expectedGone.length).toBeGreaterThan(25);

    const after = await data.db.getAll('audit');
    expect(after[0]!.seq).toBe(expectedGone.length + 1);
    expect(after.every((e) => Date.parse(e.time) >= cutoff)).toBe(true);
    const lastGone = expectedGone[expectedGone.length - 1]!;
    expect((await data.audit.meta()).anchor).toEqual({
      seq: lastGone.seq + 1,
      hash: lastGone.hash,
    });
    expect(after[after.length - 1]!.event).toEqual({
      type: 'retention-deleted',
      what: 'audit-entries',
      count: expectedGone.length,
      reason: 'expired',
      anchor: lastGone.hash,
    });
    expect(await data.audit.verify()).toEqual({ ok: true, count: after.length });
    expect(verifyAuditExport(parseAuditExport(await data.audit.exportJson()))).toEqual({
      ok: true,
    });
    // Still verifiable when everything that remains comes of age too.
    clock += 100 * DAY_MS;
    await enforceRetention(data);
    expect(await data.audit.verify()).toMatchObject({ ok: true, count: 1 });
    data.close();
  });

  it('keeps old entries when the chain does not verify: evidence is not deleted', async () => {
    clock = T0;
    const data = await open();
    await updateSettings(data, { retention: { auditDays: 1 } });
    for (let k = 0; k < 5; k++) await data.audit.append(sampleEvents()['key-generated']);
    const third = (await data.db.get('audit', 3)) as AuditEntry;
    await data.db.put('audit', { ...third, operator: 'Mallory' });
    const stored = await data.db.count('audit');
    clock = T0 + 10 * DAY_MS;
    expect(await enforceRetention(data)).toMatchObject({
      auditEntries: 0,
      auditKept: 'chain-broken',
    });
    expect(await data.db.count('audit')).toBe(stored);
    data.close();
  });
});

describe('purge now', () => {
  it('deletes all working data at once, logs it, and keeps the audit log', async () => {
    clock = T0;
    const data = await open();
    for (const event of Object.values(sampleEvents())) await data.audit.append(event);
    await saveWork(data, batchId(1));
    await saveWork(data, batchId(2));
    await savePseudonymTable(data, 'original_patient_id,pseudonym_id,pseudonym_name\nP1,X1,A\n');
    await saveKey(data, createProjectKey(new Uint8Array(32).fill(3)), 'imported');
    const logBefore = await data.db.getAll('audit');

    expect(await purgeWorkingData(data)).toMatchObject({
      batches: 2,
      results: 4,
      pseudonymTables: 1,
      keys: 0,
    });
    for (const store of ['batches', 'results', 'pseudonymTables'] as const) {
      expect(await data.db.count(store)).toBe(0);
    }
    expect(await data.db.count('keys')).toBe(1);
    const logAfter = await data.db.getAll('audit');
    expect(logAfter.slice(0, logBefore.length)).toEqual(logBefore);
    expect(logAfter.slice(logBefore.length).map((e) => e.event)).toEqual([
      { type: 'retention-deleted', what: 'batches', count: 2, reason: 'purge' },
      { type: 'retention-deleted', what: 'results', count: 4, reason: 'purge' },
      { type: 'retention-deleted', what: 'pseudonym-tables', count: 1, reason: 'purge' },
    ]);

    await purgeWorkingData(data, { keys: true });
    expect(await data.db.count('keys')).toBe(0);
    expect((await data.db.getAll('audit')).at(-1)!.event).toEqual({
      type: 'retention-deleted',
      what: 'keys',
      count: 1,
      reason: 'purge',
    });
    expect(await data.audit.verify()).toMatchObject({ ok: true, count: logBefore.length + 7 });
    data.close();
  });
});

/** A clock whose time the test sets and whose ticks the test fires. */
function manualClock() {
  const ticks: (() => void)[] = [];
  let cancelled = 0;
  const clockApi: RetentionClock = {
    now: () => clock,
    every: (_ms, tick) => {
      ticks.push(tick);
      return () => void cancelled++;
    },
  };
  return { clock: clockApi, fire: () => ticks.forEach((t) => t()), cancelled: () => cancelled };
}

describe('the retention timer', () => {
  it('runs at start, on every tick with the clock moved forward, and stops', async () => {
    clock = T0;
    const data = await open();
    await saveWork(data, batchId(1));
    const reports: number[] = [];
    const manual = manualClock();
    const timer = startRetentionTimer(data, manual.clock, {
      onReport: (r) => reports.push(r.batches),
    });
    await timer.runNow(); // joins the start-up run
    expect(reports[0]).toBe(0);

    clock = T0 + 2 * DAY_MS;
    manual.fire();
    await timer.runNow();
    expect(reports).toContain(1);
    expect(await data.db.count('batches')).toBe(0);
    expect(await deletionEvents(data)).toContainEqual({
      type: 'retention-deleted',
      what: 'batches',
      count: 1,
      reason: 'expired',
    });

    timer.stop();
    expect(manual.cancelled()).toBe(1);
    const runs = reports.length;
    manual.fire();
    await data.audit.flush();
    expect(reports.length).toBe(runs);
    data.close();
  });
});
