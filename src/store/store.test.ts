import { strFromU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it, vi } from 'vitest';
import { readFixture } from '../../test/fixtures';
import { findCanaries } from '../../test/support/canaryScan';
import { dicomFile } from '../../test/support/dicomBuilder';
import { makePhiFile } from '../../test/support/phiCanaries';
import { TS } from '../../test/support/transferSyntax';
import { parseProfile, serializeProfile } from '../core/deid/profile';
import { parseProjectKey } from '../core/deid/projectKey';
import { parseFile } from '../core/dicom/parse';
import type { ExportReport } from '../export/report';
import { createDeidPool, type DeidRunner } from '../worker/pool';
import type { JobOutcome } from '../worker/protocol';
import { createVeilStore, type VeilStore } from './createVeilStore';
import type { KeyValueStorage, StoreDeps } from './deps';
import { dateHandlingOf, presetOf } from './slices/profileSlice';

class MemoryStorage implements KeyValueStorage {
  readonly map = new Map<string, string>();
  getItem = (key: string) => this.map.get(key) ?? null;
  setItem = (key: string, value: string) => void this.map.set(key, value);
  removeItem = (key: string) => void this.map.delete(key);
}

interface Harness {
  store: VeilStore;
  storage: MemoryStorage;
  downloads: { name: string; data: Blob }[];
  saved: Uint8Array[];
}

/** A store with the page fallback of the real pool (real de-identification, no workers in Node). */
function harness(over: Partial<StoreDeps> = {}, storage = new MemoryStorage()): Harness {
  const downloads: Harness['downloads'] = [];
  const saved: Uint8Array[] = [];
  const store = createVeilStore({
    runner: createDeidPool({ createWorker: null }),
    openSaveTarget: async (name) => ({
      kind: 'download',
      name,
      // As the real download target: the zip Blob itself is saved.
      write: async (_stream, zip) => void saved.push(new Uint8Array(await zip.arrayBuffer())),
    }),
    download: (name, data) => void downloads.push({ name, data }),
    storage,
    random: (n) => crypto.getRandomValues(new Uint8Array(n)),
    now: () => Date.now(),
    flushMs: 5,
    ...over,
  });
  return { store, storage, downloads, saved };
}

/**
 * Where the engine keeps a canary on purpose (src/core/deid/leak.test.ts KEPT_BY_THE_STANDARD):
 * Code Meaning in Procedure Code Sequence has no PS3.15 row and is kept, cleaned. Not scanned.
 */
const KEPT_BY_THE_STANDARD = ['(0008,1032)[0]/(0008,0104)'];

const file = (name: string, bytes: Uint8Array): File =>
  new File([bytes as Uint8Array<ArrayBuffer>], name);
const fixtureFile = (name: string): File => file(name, readFixture(name));

describe('import', () => {
  it('lists DICOM files by header, expands zips and skips the rest with a reason', async () => {
    const { store } = harness();
    const zip = zipSync({
      'inner/CT_small.dcm': [readFixture('CT_small.dcm'), { level: 6 }],
      'inner/MR_small_RLE.dcm': [readFixture('MR_small_RLE.dcm'), { level: 0 }],
      'readme.txt': new TextEncoder().encode('not an image'),
    });
    await store.getState().importFiles([
      fixtureFile('MR_small.dcm'),
      fixtureFile('rtplan.dcm'),
      file('notes.txt', new TextEncoder().encode('Patient: someone\n')),
      file('bundle.zip', zip),
      // Known by its File-set attributes (core/dicom/mediaDirectory.ts), not by its name.
      file(
        'DICOMDIR',
        dicomFile(TS.explicitLE, {
          mediaStorageSopClassUid: '1.2.840.10008.1.3.10',
          mediaStorageSopInstanceUid: '1.2.3.4',
        })
          .str(0x00041130, 'CS', 'CD1')
          .seq(0x00041220, [(i) => i.str(0x00041430, 'CS', 'PATIENT')])
          .build(),
      ),
    ]);
    const { files, tree, importing } = store.getState();
    const byPath = new Map([...files.values()].map((f) => [f.path, f]));
    expect([...byPath.keys()].sort()).toEqual([
      'DICOMDIR',
      'MR_small.dcm',
      'bundle.zip/inner/CT_small.dcm',
      'bundle.zip/inner/MR_small_RLE.dcm',
      'bundle.zip/readme.txt',
      'notes.txt',
      'rtplan.dcm',
    ]);
    expect(byPath.get('MR_small.dcm')!.status).toBe('dicom');
    expect(byPath.get('bundle.zip/inner/CT_small.dcm')!.summary!.rows).toBe(128);
    expect(byPath.get('bundle.zip/inner/MR_small_RLE.dcm')!.status).toBe('dicom');
    expect(byPath.get('notes.txt')!.skipReason).toMatch(/NOT_DICOM/);
    expect(byPath.get('notes.txt')!.skipReason).not.toContain('someone');
    expect(byPath.get('DICOMDIR')!.skipReason).toMatch(/DICOMDIR/);
    expect(importing).toEqual({ active: false, found: 7, read: 7 });

    // The tree: one node per patient, each file counted once, under the right series.
    const instances = tree.flatMap((p) =>
      p.studies.flatMap((s) => s.series.flatMap((se) => se.instances)),
    );
    expect(instances.length).toBe(4);
    expect(tree.reduce((n, p) => n + p.instanceCount, 0)).toBe(4);
    const ct = tree.find(
      (p) => p.patientId === byPath.get('bundle.zip/inner/CT_small.dcm')!.summary!.patientId,
    )!;
    expect(ct.studies[0]!.series[0]!.modality).toBe('CT');
  });

  it('reads 2,000 files in a few seconds, headers only', async () => {
    const { store } = harness();
    const bytes = readFixture('CT_small.dcm');
    const files = Array.from({ length: 2000 }, (_, i) => file(`f${i}.dcm`, bytes));
    const started = performance.now();
    await store.getState().importFiles(files);
    const seconds = (performance.now() - started) / 1000;
    expect(store.getState().tree[0]!.instanceCount).toBe(2000);
    // Not a benchmark: a guard against reading whole files or rebuilding per file.
    expect(seconds).toBeLessThan(20);
  });
});

describe('de-identify, review and export', () => {
  it('runs the batch, keeps going past a failed file, and exports only what succeeded', async () => {
    const { store, storage, saved } = harness();
    const ct = readFixture('CT_small.dcm');
    const truncated = ct.subarray(0, ct.length - 100);
    const phi = makePhiFile({ transferSyntax: TS.explicitLE, seed: 4 });
    await store
      .getState()
      .importFiles([
        fixtureFile('CT_small.dcm'),
        fixtureFile('MR_small.dcm'),
        fixtureFile('JPEG2000.dcm'),
        file('broken.dcm', truncated),
        file('phi.dcm', phi.bytes),
        file('notes.txt', new TextEncoder().encode('hello')),
      ]);
    expect(store.getState().key).toBeNull();
    await store.getState().deidentify();
    const state = store.getState();
    expect(state.run).toMatchObject({ status: 'done', total: 5, done: 5, failed: 1 });
    // A key was made on first use, and kept for the next visit.
    expect(state.key).not.toBeNull();
    expect(parseProjectKey(storage.getItem('veil.projectKey.v1')!).fingerprint).toBe(
      state.key!.fingerprint,
    );

    const failures = [...state.results.values()].filter((r) => !r.ok);
    expect(failures.length).toBe(1);
    expect(failures[0]!.ok ? '' : failures[0]!.error.code).toBe('TRUNCATED');

    // Review: Patient Name replaced in every successful file, with the rule that fired.
    const name = state.review!.tags.find((t) => t.path === '(0010,0010)')!;
    expect(name.files.replaced?.length ?? 0).toBe(4);
    expect(name.rules.join()).toMatch(/pseudonym/);
    const successes = [...state.results.values()].filter((r) => r.ok);
    // The run keeps counts and a digest per file; the values are made again only for a diff.
    for (const r of successes) {
      expect(r.ok && Object.values(r.counts).reduce((a, b) => a + b, 0)).toBeGreaterThan(10);
    }

    await store.getState().exportZip();
    expect(store.getState().exporting.status).toBe('done');
    const entries = unzipSync(saved[0]!);
    const dicoms = Object.keys(entries).filter((n) => n.endsWith('.dcm'));
    expect(dicoms.length).toBe(4);
    for (const n of dicoms) parseFile(entries[n]!, n);
    const report = JSON.parse(strFromU8(entries['report.json']!)) as ExportReport;
    expect(report.leftOut.map((l) => [l.status, l.code])).toEqual([
      ['failed', 'TRUNCATED'],
      ['skipped', 'SKIPPED'],
    ]);
    expect(entries['pseudonym-mapping.csv']).toBeUndefined();
    // Nothing of the PHI file survives anywhere in the archive.
    const leaked = new Set(
      phi.planted.filter((p) => KEPT_BY_THE_STANDARD.includes(p.path)).map((p) => p.value),
    );
    const canaries = phi.canaries.filter((c) => !leaked.has(c));
    expect(canaries.length).toBeGreaterThan(20);
    for (const [n, bytes] of Object.entries(entries)) {
      expect(findCanaries(bytes, canaries), n).toEqual([]);
      for (const canary of phi.canaries) expect(n).not.toContain(canary);
    }
  });

  it('exports the mapping when the box is ticked', async () => {
    const { store, saved } = harness();
    await store.getState().importFiles([fixtureFile('CT_small.dcm')]);
    await store.getState().deidentify();
    store.getState().setIncludeMapping(true);
    await store.getState().exportZip();
    const entries = unzipSync(saved[0]!);
    const mapping = strFromU8(entries['pseudonym-mapping.csv']!);
    const original = [...store.getState().files.values()][0]!.summary!.patientId;
    expect(mapping).toContain(`${original},ANON`);
  });

  it('cancel stops the run: finished files stay, the rest are not processed', async () => {
    // A runner that finishes the first file and holds the others until cancelled.
    const real = createDeidPool({ createWorker: null });
    let calls = 0;
    const runner: DeidRunner = {
      ...real,
      run: (setup, name, source, signal) => {
        if (calls++ === 0) return real.run(setup, name, source, signal);
        return new Promise<JobOutcome>((resolve) =>
          signal?.addEventListener('abort', () =>
            resolve({ ok: false, error: { code: 'ABORTED', message: 'cancelled' } }),
          ),
        );
      },
    };
    const { store, saved } = harness({ runner });
    await store
      .getState()
      .importFiles(['CT_small.dcm', 'MR_small.dcm', 'rtplan.dcm'].map(fixtureFile));
    const running = store.getState().deidentify();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(store.getState().run.status).toBe('running');
    store.getState().cancel();
    await running;
    expect(store.getState().run).toMatchObject({ status: 'cancelled', done: 1, failed: 0 });
    await store.getState().exportZip();
    const report = JSON.parse(strFromU8(unzipSync(saved[0]!)['report.json']!)) as ExportReport;
    expect(report.files.length).toBe(1);
    expect(report.leftOut.map((l) => l.status)).toEqual(['not-processed', 'not-processed']);
  });

  it('refuses to run or export with nothing to work on', async () => {
    const { store, saved } = harness();
    await store.getState().deidentify();
    expect(store.getState().runNotice?.kind).toBe('error');
    await store.getState().exportZip();
    expect(store.getState().exporting.status).toBe('error');
    expect(saved).toEqual([]);
  });
});

describe('selection', () => {
  it('opening an instance reads it whole: a Blob to preview and its elements, then the output side', async () => {
    const { store } = harness();
    const zip = zipSync({ 'a/CT_small.dcm': [readFixture('CT_small.dcm'), { level: 6 }] });
    await store.getState().importFiles([file('in.zip', zip)]);
    const id = [...store.getState().files.keys()][0]!;
    store.getState().openInstance(id, 'tags');
    await vi.waitFor(() => expect(store.getState().inspection.status).toBe('ready'));
    const { inspection, tab } = store.getState();
    expect(tab).toBe('tags');
    // The inflated zip entry, byte for byte.
    expect(new Uint8Array(await inspection.original!.arrayBuffer())).toEqual(
      readFixture('CT_small.dcm'),
    );
    const name = inspection.tags!.find((n) => n.tag === '(0010,0010)')!;
    expect(name.value).toBe(store.getState().files.get(id)!.summary!.patientName);
    expect(inspection.outputTags).toBeUndefined();

    await store.getState().deidentify();
    await vi.waitFor(() => expect(store.getState().inspection.outputTags).toBeDefined());
    const after = store.getState().inspection.outputTags!.find((n) => n.tag === '(0010,0010)')!;
    expect(after.value).toMatch(/^ANON/);
    store.getState().select({ kind: 'series', key: 'x' });
    expect(store.getState().inspection.fileId).toBeNull();
  });
});

describe('profile and key', () => {
  it('keeps the two date options exclusive and maps presets and date handling both ways', () => {
    const { store } = harness();
    const s = () => store.getState();
    expect(presetOf(s().profile)).toBe('basic');
    expect(dateHandlingOf(s().profile)).toBe('remove');
    s().setOption('RetainLongFullDates', true);
    expect(dateHandlingOf(s().profile)).toBe('keep');
    s().setOption('RetainLongModifDates', true);
    expect(s().profile.options).toEqual(['RetainLongModifDates']);
    expect(dateHandlingOf(s().profile)).toBe('keyed-shift');
    s().setDateHandling('fixed-shift');
    s().setShiftDays(-100);
    expect(s().profile.dateShift).toEqual({ kind: 'fixed', days: -100 });
    s().setShiftDays(0);
    expect(s().profileNotice?.kind).toBe('error');
    expect(s().profile.dateShift).toEqual({ kind: 'fixed', days: -100 });
    s().applyPreset('clinical-trial');
    expect(presetOf(s().profile)).toBe('clinical-trial');
    expect(s().profile.name).toBe('Clinical trial');
    s().setOption('CleanGraph', true);
    expect(presetOf(s().profile)).toBeNull();
  });

  it('keeps a half-typed profile as typed, flags it, and remembers only valid ones', () => {
    const { store, storage } = harness();
    const valid = store.getState().profile;
    store.getState().setProfile({ ...valid, pseudonyms: { kind: 'keyed', prefix: 'no spaces!' } });
    expect(store.getState().profile.pseudonyms).toEqual({ kind: 'keyed', prefix: 'no spaces!' });
    expect(store.getState().profileProblem).toMatch(/prefix/);
    expect(storage.getItem('veil.profile.current.v1') ?? '').not.toContain('no spaces');
    store.getState().setProfile({ ...valid, name: 'Trial 7' });
    expect(store.getState().profileProblem).toBeNull();
    expect(storage.getItem('veil.profile.current.v1')).toContain('Trial 7');
  });

  it('a rule that does not resolve blocks the run with the reason', async () => {
    const { store } = harness();
    await store.getState().importFiles([fixtureFile('MR_small.dcm')]);
    store.getState().addRule({ tag: 'NoSuchKeyword', action: 'remove' });
    expect(store.getState().profileProblem).toMatch(/NoSuchKeyword/);
    await store.getState().deidentify();
    expect(store.getState().run.status).toBe('idle');
    expect(store.getState().runNotice?.text).toMatch(/NoSuchKeyword/);
    store.getState().removeRule(0);
    expect(store.getState().profileProblem).toBeNull();
  });

  it('a table of pseudonyms is used once loaded, and refused when malformed', async () => {
    const { store } = harness();
    await store.getState().importFiles([fixtureFile('CT_small.dcm')]);
    const id = [...store.getState().files.values()][0]!.summary!.patientId;
    store.getState().loadPseudonymTable('nonsense', 'bad.csv');
    expect(store.getState().profileNotice?.kind).toBe('error');
    store
      .getState()
      .loadPseudonymTable(
        `original_patient_id,pseudonym_id,pseudonym_name\n${id},SUBJ-7,SUBJ^SEVEN\n`,
        'ok.csv',
      );
    expect(store.getState().profile.pseudonyms.kind).toBe('table');
    await store.getState().deidentify();
    const result = [...store.getState().results.values()][0]!;
    expect(result.ok && result.identity.patientPseudonym).toBe('SUBJ-7');
  });

  it('saves, reloads and exports profiles; remembers the current one for the next visit', () => {
    const { store, storage, downloads } = harness();
    store.getState().applyPreset('teaching');
    store.getState().saveProfile();
    store.getState().resetProfile();
    expect(store.getState().savedProfiles).toEqual(['Teaching file']);
    store.getState().loadSavedProfile('Teaching file');
    expect(store.getState().profile.options).toEqual(['CleanDesc', 'CleanGraph']);
    store.getState().exportProfile();
    expect(downloads[0]!.name).toBe('veil-profile-Teaching-file.json');
    const next = harness({}, storage).store;
    expect(next.getState().profile).toEqual(store.getState().profile);
    store.getState().importProfile('{"format":"veil-profile","version":1,"options":["Nope"]}');
    expect(store.getState().profileNotice?.text).toMatch(/Nope/);
  });

  it('exports the key as a key file and imports it into another browser', async () => {
    const a = harness();
    const key = a.store.getState().ensureKey();
    a.store.getState().exportKey();
    const text = await a.downloads[0]!.data.text();
    expect(a.downloads[0]!.name).toBe(`veil-project-key-${key.fingerprint}.json`);
    const b = harness();
    b.store.getState().importKey(text);
    expect(b.store.getState().key!.fingerprint).toBe(key.fingerprint);
    b.store.getState().importKey('{"format":"veil-key"}');
    expect(b.store.getState().keyNotice?.kind).toBe('error');
    expect(b.store.getState().key!.fingerprint).toBe(key.fingerprint);
    expect(serializeProfile(parseProfile(serializeProfile(b.store.getState().profile)))).toBe(
      serializeProfile(b.store.getState().profile),
    );
  });
});
