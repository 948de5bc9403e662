import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../core/audit';
import { defaultProfile, profileHash } from '../core/deid/profile';
import { createProjectKey } from '../core/deid/projectKey';
import { openLocalData } from './open';
import { DEFAULT_SETTINGS, loadSettings, updateSettings } from './settings';
import {
  deleteBatch,
  deleteKey,
  deletePseudonymTable,
  latestBatch,
  loadBatch,
  loadKeys,
  loadProfiles,
  loadPseudonymTable,
  markBatchExported,
  resumableBatch,
  saveBatch,
  saveKey,
  saveProfile,
  savePseudonymTable,
  saveResult,
  saveResults,
} from './workingData';

let clock = Date.UTC(2024, 4, 1);
let dbCount = 0;
async function open(name = `working-${++dbCount}`) {
  const result = await openLocalData({
    name,
    appVersion: '0.1.0',
    sessionId: 'a'.repeat(32),
    now: () => clock,
  });
  if (!result.ok) throw new Error(result.problem.message);
  return result.data;
}

const h = sha256Hex;
const id1 = '1'.repeat(32);
const id2 = '2'.repeat(32);

describe('working data for session recovery', () => {
  it('resumes the most recent batch with its results after a reopen', async () => {
    const name = 'working-resume';
    const data = await open(name);
    await saveBatch(data, { id: id1, profileHash: null, files: [{ inputHash: h('a'), size: 1 }] });
    clock += 1000;
    await saveBatch(data, {
      id: id2,
      profileHash: h('p'),
      files: [
        { inputHash: h('b'), size: 2 },
        { inputHash: h('c'), size: 3 },
      ],
    });
    clock += 1000;
    const output = new Uint8Array([0x44, 0x49, 0x43, 0x4d]);
    await saveResult(data, {
      batchId: id2,
      inputHash: h('b'),
      status: 'done',
      outputHash: h('out'),
      output: new Blob([output]),
      counts: {
        removed: 1,
        emptied: 0,
        replaced: 0,
        'uid-remapped': 0,
        'date-shifted': 0,
        cleaned: 0,
        kept: 0,
        added: 0,
      },
      warnings: ['READ'],
      identity: {
        patientPseudonym: 'ANON-1',
        studyInstanceUid: '2.25.1',
        seriesInstanceUid: '2.25.2',
        sopInstanceUid: '2.25.3',
        modality: 'CT',
        instanceNumber: '1',
      },
    });
    // Saving a result marks its batch as used: it becomes the one to resume.
    clock += 1000;
    await saveBatch(data, { id: id1, profileHash: null, files: [{ inputHash: h('a'), size: 1 }] });
    clock += 1000;
    await saveResult(data, {
      batchId: id2,
      inputHash: h('c'),
      status: 'failed',
      errorCode: 'TRUNCATED',
    });
    data.close();

    const again = await open(name);
    const resumed = await latestBatch(again);
    expect(resumed?.batch).toMatchObject({
      id: id2,
      profileHash: h('p'),
      sessionId: 'a'.repeat(32),
    });
    expect(resumed?.batch.files).toEqual([
      { inputHash: h('b'), size: 2 },
      { inputHash: h('c'), size: 3 },
    ]);
    const byInput = new Map(resumed!.results.map((r) => [r.inputHash, r]));
    const done = byInput.get(h('b'));
    expect(done?.status).toBe('done');
    if (done?.status === 'done') {
      expect(new Uint8Array(await done.output!.arrayBuffer())).toEqual(output);
    }
    expect(byInput.get(h('c'))).toMatchObject({ status: 'failed', errorCode: 'TRUNCATED' });
    expect((await loadBatch(again, id1))?.results).toEqual([]);
    again.close();
  });

  it('logs a deletion the person asks for, in the same step', async () => {
    const data = await open();
    await saveBatch(data, { id: id1, profileHash: null, files: [] });
    await saveResult(data, {
      batchId: id1,
      inputHash: h('x'),
      status: 'failed',
      errorCode: 'NOT_DICOM',
    });
    const key = createProjectKey(new Uint8Array(32).fill(5));
    await saveKey(data, key, 'imported');
    expect((await loadKeys(data))[0]).toMatchObject({
      fingerprint: key.fingerprint,
      source: 'imported',
    });
    expect((await loadKeys(data))[0]!.bytes).toEqual(key.bytes);
    const csv = 'original_patient_id,pseudonym_id,pseudonym_name\nP1,X1,ANON^1\n';
    const tableId = await savePseudonymTable(data, csv);
    expect(await loadPseudonymTable(data, tableId)).toBe(csv);
    expect(await saveProfile(data, defaultProfile())).toBe(profileHash(defaultProfile()));
    expect(await loadProfiles(data)).toHaveLength(1);

    await deleteBatch(data, id1);
    await deleteKey(data, key.fingerprint);
    await deletePseudonymTable(data, tableId);
    await deleteBatch(data, id1); // gone already: nothing to log
    expect(await loadBatch(data, id1)).toBeUndefined();
    expect(await data.db.count('results')).toBe(0);
    expect(await loadKeys(data)).toEqual([]);
    expect(await loadPseudonymTable(data, tableId)).toBeUndefined();
    const events = (await data.audit.query({ order: 'asc' })).entries.map((e) => e.event);
    expect(events).toEqual([
      { type: 'retention-deleted', what: 'batches', count: 1, reason: 'person' },
      { type: 'retention-deleted', what: 'results', count: 1, reason: 'person' },
      { type: 'retention-deleted', what: 'keys', count: 1, reason: 'person' },
      { type: 'retention-deleted', what: 'pseudonym-tables', count: 1, reason: 'person' },
    ]);
    data.close();
  });
});

describe('resuming', () => {
  it('offers the latest batch not exported since its last change, with its rule set', async () => {
    const data = await open();
    const profile = defaultProfile();
    await saveBatch(data, {
      id: id1,
      profileHash: profileHash(profile),
      profile,
      files: [{ inputHash: h('a'), size: 1 }],
    });
    clock += 1000;
    // A later save without a profile keeps the one saved before.
    await saveBatch(data, {
      id: id1,
      profileHash: profileHash(profile),
      files: [
        { inputHash: h('a'), size: 1 },
        { inputHash: h('b'), size: 2 },
      ],
    });
    await saveResults(data, [
      { batchId: id1, inputHash: h('a'), status: 'failed', errorCode: 'READ_FAILED' },
      {
        batchId: id1,
        inputHash: h('b'),
        status: 'done',
        outputHash: h('out'),
        counts: {
          removed: 1,
          emptied: 0,
          replaced: 0,
          'uid-remapped': 0,
          'date-shifted': 0,
          cleaned: 0,
          kept: 0,
          added: 0,
        },
        warnings: [],
        identity: {
          patientPseudonym: 'ANON-1',
          studyInstanceUid: '2.25.1',
          seriesInstanceUid: '2.25.2',
          sopInstanceUid: '2.25.3',
          modality: 'CT',
          instanceNumber: '1',
        },
      },
    ]);
    const offer = await resumableBatch(data);
    expect(offer?.batch).toMatchObject({ id: id1, profile });
    expect(offer?.batch.files).toHaveLength(2);
    expect(offer?.results.map((r) => r.status).sort()).toEqual(['done', 'failed']);

    clock += 1000;
    await markBatchExported(data, id1);
    expect(await resumableBatch(data)).toBeUndefined();
    // More files after the export: offered again, still marked as exported once.
    clock += 1000;
    await saveBatch(data, { id: id1, profileHash: null, files: [{ inputHash: h('c'), size: 3 }] });
    expect((await resumableBatch(data))?.batch).toMatchObject({ id: id1, profile });
    expect((await loadBatch(data, id1))?.batch.exported).toBe(clock - 1000);
    // An empty batch is nothing to resume.
    clock += 1000;
    await saveBatch(data, { id: id2, profileHash: null, files: [] });
    expect((await resumableBatch(data))?.batch.id).toBe(id1);
  });
});

describe('settings', () => {
  it('logs each real change once, with the new operator as its operator', async () => {
    const data = await open();
    expect(await loadSettings(data.db)).toEqual(DEFAULT_SETTINGS);
    await updateSettings(data, { operator: 'Grace Hopper', retention: { workingData: 30 } });
    await updateSettings(data, { operator: 'Grace Hopper', requireSignOff: false }); // no change
    await updateSettings(data, {
      retention: { auditDays: 365, workingData: 'tab' },
      requireSignOff: true,
    });
    expect(await loadSettings(data.db)).toEqual({
      operator: 'Grace Hopper',
      retention: { workingData: 'tab', auditDays: 365 },
      requireSignOff: true,
    });
    const entries = (await data.audit.query({ order: 'asc' })).entries;
    expect(entries.map((e) => [e.operator, e.event])).toEqual([
      ['Grace Hopper', { type: 'settings-changed', setting: 'operator' }],
      ['Grace Hopper', { type: 'settings-changed', setting: 'working-data-retention', value: 30 }],
      [
        'Grace Hopper',
        { type: 'settings-changed', setting: 'working-data-retention', value: 'tab' },
      ],
      ['Grace Hopper', { type: 'settings-changed', setting: 'audit-retention-days', value: 365 }],
      ['Grace Hopper', { type: 'settings-changed', setting: 'require-sign-off', value: true }],
    ]);
    data.close();
  });

  it('refuses a name or a period the log cannot hold, and changes nothing', async () => {
    const data = await open();
    await expect(updateSettings(data, { operator: 'Ada\nLovelace' })).rejects.toThrow(
      /operator name/,
    );
    await expect(updateSettings(data, { operator: '   ' })).rejects.toThrow(/operator name/);
    await expect(updateSettings(data, { retention: { auditDays: 0 } })).rejects.toThrow(/refused/);
    await expect(updateSettings(data, { retention: { workingData: 1.5 } })).rejects.toThrow(
      /refused/,
    );
    expect(await loadSettings(data.db)).toEqual(DEFAULT_SETTINGS);
    expect(await data.db.count('audit')).toBe(0);
    data.close();
  });
});
