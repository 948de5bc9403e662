import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readFixture } from '../../test/fixtures';
import { findCanaries } from '../../test/support/canaryScan';
import { makePhiFile } from '../../test/support/phiCanaries';
import { TS } from '../../test/support/transferSyntax';
import {
  parseAuditExport,
  verifyAuditExport,
  type AuditEntry,
  type AuditEventType,
} from '../core/audit';
import { createProjectKey, serializeProjectKey } from '../core/deid/projectKey';
import { profileFromPreset, serializeProfile } from '../core/deid/profile';
import type { ExportReport } from '../export/report';
import { createDeidPool } from '../worker/pool';
import { DAY_MS, type RetentionClock } from '../audit';
import { bootLocalData, type LocalBoot, type StoredBoot } from './audit/boot';
import { STORED_KEY } from './audit/keyVault';
import { SAVED_PROFILES } from './audit/profileShelf';
import { createVeilStore, type VeilStore } from './createVeilStore';
import type { KeyValueStorage } from './deps';

// The audit slice against a fake IndexedDB in Node: the same boot, store and engine as the page,
// with a clock the tests move.

class MemoryStorage implements KeyValueStorage {
  readonly map = new Map<string, string>();
  getItem = (key: string) => this.map.get(key) ?? null;
  setItem = (key: string, value: string) => void this.map.set(key, value);
  removeItem = (key: string) => void this.map.delete(key);
}

/** A clock that only moves when told; its timer ticks are fired by hand (timer.runNow). */
class ManualClock implements RetentionClock {
  constructor(public time = Date.UTC(2025, 2, 3, 9)) {}
  now = () => this.time;
  every = () => () => undefined;
}

let dbCount = 0;
const SESSION = 'c'.repeat(32);

interface World {
  readonly name: string;
  readonly clock: ManualClock;
  readonly storage: MemoryStorage;
}

function world(): World {
  return {
    name: `store-audit-${++dbCount}`,
    clock: new ManualClock(),
    storage: new MemoryStorage(),
  };
}

async function boot(w: World): Promise<StoredBoot> {
  const local = await bootLocalData({
    appVersion: '0.1.0',
    sessionId: SESSION,
    storage: w.storage,
    clock: w.clock,
    name: w.name,
  });
  if (local.kind !== 'stored') throw new Error(local.problem.message);
  return local;
}

interface Harness {
  readonly store: VeilStore;
  readonly zips: Uint8Array[];
  readonly downloads: { name: string; data: Blob }[];
}

function harness(local: LocalBoot | undefined, w: World = world()): Harness {
  const zips: Uint8Array[] = [];
  const downloads: Harness['downloads'] = [];
  const store = createVeilStore({
    runner: createDeidPool({ createWorker: null }),
    openSaveTarget: async (name) => ({
      kind: 'download',
      name,
      // As the real download target: the zip Blob itself is saved.
      write: async (_stream, zip) => void zips.push(new Uint8Array(await zip.arrayBuffer())),
    }),
    download: (name, data) => void downloads.push({ name, data }),
    storage: w.storage,
    random: (n) => crypto.getRandomValues(new Uint8Array(n)),
    now: () => w.clock.now(),
    flushMs: 5,
    ...(local ? { local } : {}),
  });
  return { store, zips, downloads };
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const file = (name: string, bytes: Uint8Array): File =>
  new File([bytes as Uint8Array<ArrayBuffer>], name);
const FIXTURES = ['CT_small.dcm', 'MR_small.dcm', 'JPEG2000.dcm'];
const fixtureFiles = () => FIXTURES.map((name) => file(name, readFixture(name)));

/** Every stored entry, once the store has written what it recorded. */
async function entriesOf(local: StoredBoot, store?: VeilStore): Promise<AuditEntry[]> {
  await store?.getState().flushAudit();
  await local.data.audit.flush();
  return local.data.db.getAll('audit');
}
const typesOf = (entries: readonly AuditEntry[]): AuditEventType[] =>
  entries.map((e) => e.event.type);

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

describe('the audit slice', () => {
  it('logs every step of a batch, and the export carries a verifiable audit.json', async () => {
    const w = world();
    const local = await boot(w);
    const { store, zips } = harness(local, w);
    const ct = readFixture('CT_small.dcm');
    const truncated = ct.subarray(0, ct.length - 100);
    const phi = makePhiFile({ transferSyntax: TS.explicitLE, seed: 7 });

    await store.getState().setOperator('  Dr. Ada Lovelace ');
    expect(store.getState().auditSettings.operator).toBe('Dr. Ada Lovelace');
    await store
      .getState()
      .importFiles([
        ...fixtureFiles(),
        file('broken.dcm', truncated),
        file(`${phi.canaries[0]}.dcm`, phi.bytes),
        file('notes.txt', new TextEncoder().encode('not an image')),
      ]);
    await store.getState().flushAudit();
    const batchId = store.getState().batchId!;
    expect(batchId).toMatch(/^[0-9a-f]{32}$/);

    // A PHI view: the original image of one instance (the Preview tab is the default).
    const phiId = [...store.getState().files.values()].find((f) =>
      f.path.endsWith(`${phi.canaries[0]}.dcm`),
    )!.id;
    store.getState().openInstance(phiId);
    await until(() => store.getState().inspection.status === 'ready', 'the inspection');
    store.getState().setTab('tags');
    // The same view again is not another entry; leaving and coming back is.
    store.getState().setTab('tags');

    await store.getState().deidentify();
    expect(store.getState().run.failed).toBe(1);
    await store.getState().signOffReview();
    await store.getState().exportZip();
    expect(store.getState().exporting.status).toBe('done');
    await store.getState().flushAudit();

    const entries = await entriesOf(local, store);
    const types = typesOf(entries);
    expect(types.slice(0, 6)).toEqual([
      'settings-changed',
      'files-imported',
      'phi-viewed',
      'phi-viewed',
      'key-generated',
      'profile-chosen',
    ]);
    // Files finish in any order.
    expect(types.slice(6, 11).sort()).toEqual([
      ...Array<AuditEventType>(4).fill('file-deidentified'),
      'file-failed',
    ]);
    expect(types.slice(11)).toEqual(['review-signed-off', 'exported']);
    expect(new Set(entries.map((e) => e.operator))).toEqual(new Set(['Dr. Ada Lovelace']));

    const imported = entries[1]!.event;
    const inputs = [...FIXTURES.map((n) => readFixture(n)), truncated, phi.bytes];
    expect(imported).toMatchObject({ type: 'files-imported', batchId, count: 5 });
    expect(imported.type === 'files-imported' && [...imported.inputHashes].sort()).toEqual(
      inputs.map(sha256).sort(),
    );
    expect(imported.type === 'files-imported' && imported.bytes).toBe(
      inputs.reduce((n, b) => n + b.length, 0),
    );
    expect(entries.slice(2, 4).map((e) => e.event)).toEqual([
      { type: 'phi-viewed', batchId, inputHash: sha256(phi.bytes), view: 'image' },
      { type: 'phi-viewed', batchId, inputHash: sha256(phi.bytes), view: 'tags' },
    ]);
    const failed = entries.find((e) => e.event.type === 'file-failed')!.event;
    expect(failed).toEqual({
      type: 'file-failed',
      batchId,
      inputHash: sha256(truncated),
      errorCode: 'TRUNCATED',
    });
    const done = entries.filter((e) => e.event.type === 'file-deidentified');
    expect(done).toHaveLength(4);
    for (const entry of done) {
      const result = [...store.getState().results.values()].find(
        (r) =>
          r.ok &&
          entry.event.type === 'file-deidentified' &&
          r.inputSha256 === entry.event.inputHash,
      );
      expect(result?.ok && entry.event.type === 'file-deidentified' && entry.event.outputHash).toBe(
        result?.ok && result.outputSha256,
      );
    }
    const zip = zips[0]!;
    const exported = entries.at(-1)!.event;
    expect(exported).toEqual({
      type: 'exported',
      batchId,
      archiveHash: sha256(zip),
      fileCount: 4,
      mappingIncluded: false,
    });

    // audit.json: the batch's run of the chain, verifiable alone, ending before the export entry.
    const files = unzipSync(zip);
    const text = strFromU8(files['audit.json']!);
    const segment = parseAuditExport(text);
    expect(verifyAuditExport(segment)).toEqual({ ok: true });
    expect(segment.logId).toBe(local.data.audit.logId);
    expect((segment.entries as AuditEntry[]).map((e) => e.seq)).toEqual(
      entries.slice(1, -1).map((e) => e.seq),
    );
    const report = JSON.parse(strFromU8(files['report.json']!)) as ExportReport;
    expect(report.auditTrail).toEqual({
      file: 'audit.json',
      logId: local.data.audit.logId,
      stored: true,
      withoutStoredTrailAcknowledged: false,
    });
    // The whole log verifies, and nothing of the PHI file is in it.
    expect(await local.data.audit.verify()).toMatchObject({ ok: true, count: entries.length });
    const stored = new TextEncoder().encode(JSON.stringify(entries) + text);
    expect(findCanaries(stored, phi.canaries)).toEqual([]);

    // The working data for resuming: the file list, the rule set, the results (no outputs).
    const batches = await local.data.db.getAll('batches');
    expect(batches).toHaveLength(1);
    expect(batches[0]!.files.map((f) => f.inputHash).sort()).toEqual(inputs.map(sha256).sort());
    expect(batches[0]!.profile).toEqual(store.getState().lastRun!.profile);
    expect(batches[0]!.exported).toBeDefined();
    // Results are saved in groups, once a second.
    await new Promise((r) => setTimeout(r, 1100));
    const results = await local.data.db.getAll('results');
    expect(results.map((r) => r.status).sort()).toEqual(['done', 'done', 'done', 'done', 'failed']);
    expect(results.every((r) => !('output' in r))).toBe(true);
  });

  it('audit view: pages, filters, verifies and exports the log (each export logged)', async () => {
    const w = world();
    const local = await boot(w);
    const { store, downloads } = harness(local, w);
    await store.getState().importFiles(fixtureFiles());
    await store.getState().flushAudit();
    w.clock.time += DAY_MS;
    await store.getState().deidentify();
    await store.getState().flushAudit();
    const all = await store.getState().queryAudit({});
    expect(all.total).toBe(1 + 2 + FIXTURES.length);
    expect(all.entries[0]!.event.type).toBe('file-deidentified');
    const first = await store.getState().queryAudit({ order: 'asc', limit: 1 });
    expect(first.entries[0]!.event.type).toBe('files-imported');
    const later = await store.getState().queryAudit({ from: w.clock.time - 1000 });
    expect(later.total).toBe(2 + FIXTURES.length);
    expect(
      (
        await store
          .getState()
          .queryAudit({ types: ['key-generated'], operator: 'Operator not set' })
      ).total,
    ).toBe(1);
    expect(await store.getState().auditOperators()).toEqual(['Operator not set']);

    await store.getState().verifyAudit();
    expect(store.getState().auditVerdict).toMatchObject({ ok: true, count: all.total });
    await store.getState().exportAudit('json');
    expect(store.getState().auditVerdict).toBeNull();
    await store.getState().exportAudit('csv');
    expect(downloads.map((d) => d.name)).toEqual([
      expect.stringMatching(/^veil-audit-\d{4}-\d{2}-\d{2}\.json$/),
      expect.stringMatching(/^veil-audit-\d{4}-\d{2}-\d{2}\.csv$/),
    ]);
    const json = parseAuditExport(await downloads[0]!.data.text());
    expect(verifyAuditExport(json)).toEqual({ ok: true });
    expect(json.entries).toHaveLength(all.total);
    const csv = (await downloads[1]!.data.text()).trimEnd().split('\r\n');
    expect(csv).toHaveLength(1 + all.total + 1);
    const logged = await store.getState().queryAudit({ types: ['audit-exported'], order: 'asc' });
    expect(logged.entries.map((e) => e.event)).toEqual([
      { type: 'audit-exported', format: 'json', entryCount: all.total, lastSeq: all.total },
      { type: 'audit-exported', format: 'csv', entryCount: all.total + 1, lastSeq: all.total + 1 },
    ]);

    // Someone edits the stored log: "Verify log" names the entry.
    const tx = local.data.db.transaction('audit', 'readwrite');
    const second = (await tx.store.get(2))!;
    await tx.store.put({ ...second, operator: 'Mallory' });
    await tx.done;
    await store.getState().verifyAudit();
    expect(store.getState().auditVerdict).toMatchObject({ ok: false, firstBad: 2 });
    expect(store.getState().auditVerdict!.text).toMatch(/entry 2 was altered/);
  });

  it('moves a localStorage key and saved profiles to IndexedDB once, and keeps them across visits', async () => {
    const w = world();
    const key = createProjectKey(crypto.getRandomValues(new Uint8Array(32)));
    const created = new Date(Date.UTC(2024, 0, 2));
    const teaching = profileFromPreset('teaching');
    w.storage.setItem(STORED_KEY, serializeProjectKey(key, created));
    w.storage.setItem(SAVED_PROFILES, JSON.stringify({ Teaching: serializeProfile(teaching) }));

    const first = harness(await boot(w), w).store;
    expect(w.storage.getItem(STORED_KEY)).toBeNull();
    expect(w.storage.getItem(SAVED_PROFILES)).toBeNull();
    expect(first.getState().key!.fingerprint).toBe(key.fingerprint);
    expect(first.getState().keyCreated).toBe(created.toISOString());
    expect(first.getState().savedProfiles).toEqual(['Teaching']);

    first.getState().applyPreset('multicentre-research');
    first.getState().saveProfile();
    first.getState().deleteSavedProfile('Teaching');
    w.clock.time += 1000;
    first.getState().generateKey();
    const newKey = first.getState().key!.fingerprint;
    await first.getState().flushAudit();
    // The key and the profiles are written in the background: wait until they are stored.
    const probe = (await boot(w)).data.db;
    const stored = async () =>
      (await probe.getAll('profiles')).map((p) => p.profile.name).join() ===
        first.getState().profile.name && (await probe.count('keys')) === 2;
    for (let i = 0; i < 200 && !(await stored()); i++) await new Promise((r) => setTimeout(r, 10));

    const local = await boot(w);
    const second = harness(local, w).store;
    expect(second.getState().key!.fingerprint).toBe(newKey);
    expect(second.getState().savedProfiles).toEqual([first.getState().profile.name]);
    second.getState().loadSavedProfile(first.getState().profile.name);
    expect(second.getState().profile.options).toEqual(first.getState().profile.options);
    expect((await local.data.db.getAll('keys')).map((k) => k.source).sort()).toEqual([
      'generated',
      'migrated',
    ]);
    const events = (await entriesOf(local, second)).map((e) => e.event);
    expect(events.filter((e) => e.type === 'key-generated')).toEqual([
      { type: 'key-generated', fingerprint: newKey },
    ]);
    expect(events.filter((e) => e.type === 'profile-chosen')).toHaveLength(1);
  });

  it('without IndexedDB it refuses to run until acknowledged; the export then says so', async () => {
    const { store, zips } = harness({
      kind: 'unavailable',
      problem: { code: 'IDB_UNAVAILABLE', message: 'This browser does not let Veil store data.' },
    });
    expect(store.getState().auditTrail).toBe('memory');
    await store.getState().importFiles(fixtureFiles());
    await store.getState().deidentify();
    expect(store.getState().run.status).toBe('idle');
    expect(store.getState().runNotice?.text).toMatch(/acknowledgement/);

    store.getState().acknowledgeNoAudit();
    await store.getState().deidentify();
    expect(store.getState().run.status).toBe('done');
    await store.getState().exportZip();
    const files = unzipSync(zips[0]!);
    const report = JSON.parse(strFromU8(files['report.json']!)) as ExportReport;
    expect(report.auditTrail).toMatchObject({
      stored: false,
      withoutStoredTrailAcknowledged: true,
    });
    const segment = parseAuditExport(strFromU8(files['audit.json']!));
    expect(verifyAuditExport(segment)).toEqual({ ok: true });
    await store.getState().flushAudit();
    const page = await store.getState().queryAudit({ order: 'asc' });
    expect(typesOf(page.entries)).toEqual([
      'files-imported',
      'no-audit-acknowledged',
      'key-generated',
      'profile-chosen',
      'file-deidentified',
      'file-deidentified',
      'file-deidentified',
      'exported',
    ]);
    await store.getState().verifyAudit();
    expect(store.getState().auditVerdict).toMatchObject({ ok: true, count: 8 });
  });

  it('a required sign-off holds the export back until the reviewer signs the last run', async () => {
    const w = world();
    const local = await boot(w);
    const { store, zips } = harness(local, w);
    await store.getState().changeSettings({ requireSignOff: true });
    await store.getState().importFiles(fixtureFiles());
    await store.getState().deidentify();
    await store.getState().exportZip();
    expect(zips).toHaveLength(0);
    expect(store.getState().exporting.message).toMatch(/sign-off is required/);
    await store.getState().signOffReview();
    const signed = store.getState().signOff!;
    await store.getState().exportZip();
    expect(zips).toHaveLength(1);
    // Another run needs another sign-off.
    await store.getState().deidentify();
    await store.getState().exportZip();
    expect(zips).toHaveLength(1);
    await store.getState().signOffReview();
    // Same inputs, rules and key: the same outputs, so the same batch hash.
    expect(store.getState().signOff!.batchHash).toBe(signed.batchHash);
    const events = (await entriesOf(local, store)).map((e) => e.event);
    expect(events.filter((e) => e.type === 'review-signed-off')).toHaveLength(2);
    expect(events.filter((e) => e.type === 'settings-changed')).toEqual([
      { type: 'settings-changed', setting: 'require-sign-off', value: true },
    ]);
    // A value the log refuses changes nothing and says why.
    await store.getState().changeSettings({ operator: '=cmd|calc' });
    expect(store.getState().auditSettings.operator).toBeNull();
    expect(store.getState().auditNotice?.text).toMatch(/operator name/);
  });

  it('offers an unfinished batch after a reload and resumes it with the same files', async () => {
    const w = world();
    const a = harness(await boot(w), w).store;
    a.getState().applyPreset('multicentre-research');
    await a.getState().importFiles(fixtureFiles());
    await a.getState().deidentify();
    await a.getState().flushAudit();
    const batchId = a.getState().batchId;
    await new Promise((r) => setTimeout(r, 1100));

    const local = await boot(w);
    const b = harness(local, w).store;
    expect(b.getState().resumeOffer).toMatchObject({
      batchId,
      files: FIXTURES.length,
      done: FIXTURES.length,
      failed: 0,
      profileName: a.getState().profile.name,
    });
    b.getState().resetProfile();
    b.getState().resumeBatch();
    expect(b.getState().batchId).toBe(batchId);
    expect(b.getState().profile).toEqual(a.getState().lastRun!.profile);
    expect(b.getState().resuming).toEqual({
      batchId,
      expected: FIXTURES.length,
      found: 0,
      extra: 0,
    });
    await b.getState().importFiles(fixtureFiles().slice(0, 2));
    await b.getState().flushAudit();
    expect(b.getState().resuming).toMatchObject({ found: 2, extra: 0 });
    await b
      .getState()
      .importFiles([...fixtureFiles().slice(2), file('rt.dcm', readFixture('rtplan.dcm'))]);
    await b.getState().flushAudit();
    expect(b.getState().resuming).toMatchObject({ found: FIXTURES.length, extra: 1 });
    await b.getState().deidentify();
    await b.getState().flushAudit();
    const first = a.getState().results;
    const again = b.getState().results;
    // Keyed and deterministic: the resumed run gives the same outputs.
    const outputs = (m: typeof first) =>
      [...m.values()].map((r) => (r.ok ? r.outputSha256 : '')).sort();
    expect(outputs(again).filter((h) => outputs(first).includes(h))).toHaveLength(FIXTURES.length);
    const events = (await entriesOf(local, b)).map((e) => e.event);
    expect(events.filter((e) => e.type === 'files-imported')).toHaveLength(3);
    expect(new Set(events.map((e) => ('batchId' in e ? e.batchId : batchId)))).toEqual(
      new Set([batchId]),
    );
    await new Promise((r) => setTimeout(r, 1100));

    // Discarding instead: the batch is deleted, and that is logged.
    const c = harness(await boot(w), w).store;
    expect(c.getState().resumeOffer?.batchId).toBe(batchId);
    await c.getState().discardResume();
    expect(await local.data.db.getAll('batches')).toHaveLength(0);
    const deleted = (await entriesOf(local, c))
      .map((e) => e.event)
      .filter((e) => e.type === 'retention-deleted');
    expect(deleted).toEqual([
      { type: 'retention-deleted', what: 'batches', count: 1, reason: 'person' },
      { type: 'retention-deleted', what: 'results', count: FIXTURES.length + 1, reason: 'person' },
    ]);
  });

  it('retention deletes expired working data on the timer and logs it; purge deletes the rest', async () => {
    const w = world();
    const local = await boot(w);
    const { store } = harness(local, w);
    await store.getState().importFiles(fixtureFiles());
    await store.getState().deidentify();
    store
      .getState()
      .loadPseudonymTable(
        'original_patient_id,pseudonym_id,pseudonym_name\r\nX,SUBJ-1,SUBJ-1\r\n',
        't.csv',
      );
    await store.getState().flushAudit();
    await new Promise((r) => setTimeout(r, 1100));
    expect(await local.data.db.count('batches')).toBe(1);
    expect(await local.data.db.count('pseudonymTables')).toBe(1);

    w.clock.time += 2 * DAY_MS;
    await local.retention.timer.runNow();
    expect(await local.data.db.count('batches')).toBe(0);
    expect(await local.data.db.count('results')).toBe(0);
    expect(await local.data.db.count('pseudonymTables')).toBe(0);
    expect(store.getState().lastRetention?.report).toMatchObject({
      batches: 1,
      results: FIXTURES.length,
      pseudonymTables: 1,
    });
    const expired = (await entriesOf(local, store))
      .map((e) => e.event)
      .filter((e) => e.type === 'retention-deleted');
    expect(
      expired.map((e) => e.type === 'retention-deleted' && [e.what, e.count, e.reason]),
    ).toEqual([
      ['batches', 1, 'expired'],
      ['results', FIXTURES.length, 'expired'],
      ['pseudonym-tables', 1, 'expired'],
    ]);

    // The person keeps working: the batch is saved again, then "purge now" with the key.
    await store.getState().deidentify();
    await new Promise((r) => setTimeout(r, 1100));
    expect(await local.data.db.count('results')).toBe(FIXTURES.length);
    const before = (await entriesOf(local, store)).length;
    await store.getState().purgeWorkingData({ keys: true });
    expect(await local.data.db.count('results')).toBe(0);
    expect(await local.data.db.count('keys')).toBe(0);
    expect(store.getState().key).toBeNull();
    const after = await entriesOf(local, store);
    expect(
      after
        .slice(before)
        .map((e) => e.event.type === 'retention-deleted' && [e.event.what, e.event.reason]),
    ).toEqual([
      ['batches', 'purge'],
      ['results', 'purge'],
      ['pseudonym-tables', 'purge'],
      ['keys', 'purge'],
    ]);
    expect(await local.data.audit.verify()).toMatchObject({ ok: true, count: after.length });
  });
});
