import 'fake-indexeddb/auto';
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { findCanaries } from '../../test/support/canaryScan';
import { makePhiFile } from '../../test/support/phiCanaries';
import { TS } from '../../test/support/transferSyntax';
import {
  batchHash,
  entryProblem,
  newRandomId,
  parseAuditExport,
  serializeAuditExport,
  verifyAuditExport,
  warningCodes,
  type AuditEvent,
} from '../core/audit';
import { deidentify } from '../core/deid/deidentify';
import { buildPlan } from '../core/deid/plan';
import { defaultProfile, profileHash } from '../core/deid/profile';
import { createProjectKey } from '../core/deid/projectKey';
import { openLocalData, type LocalData } from './open';
import { enforceRetention, purgeWorkingData, DAY_MS } from './retention';
import { updateSettings } from './settings';
import { saveBatch, saveKey, saveProfile, saveResult } from './workingData';

// A whole session on PHI-laden files, through the API the store uses, then every byte the
// database holds (and every export) is searched for the files' canaries. None may be there.

const sha256 = (bytes: Uint8Array | string): string =>
  createHash('sha256').update(bytes).digest('hex');

let clock = Date.UTC(2024, 4, 1, 8);
const tick = () => (clock += 1000);

/** Every value of every store as searchable bytes: Blobs and byte arrays as they are, the rest as JSON. */
async function dumpDatabase(data: LocalData): Promise<Map<string, Uint8Array[]>> {
  const out = new Map<string, Uint8Array[]>();
  for (const name of data.db.objectStoreNames) {
    const chunks: Uint8Array[] = [];
    const walk = async (value: unknown): Promise<unknown> => {
      if (value instanceof Blob) {
        chunks.push(new Uint8Array(await value.arrayBuffer()));
        return '[blob]';
      }
      if (value instanceof Uint8Array) {
        chunks.push(value);
        return '[bytes]';
      }
      if (Array.isArray(value)) return Promise.all(value.map(walk));
      if (typeof value === 'object' && value !== null) {
        const entries = await Promise.all(
          Object.entries(value).map(async ([k, v]) => [k, await walk(v)] as const),
        );
        return Object.fromEntries(entries);
      }
      return value;
    };
    for (const record of await data.db.getAll(name)) {
      chunks.push(new TextEncoder().encode(JSON.stringify(await walk(record))));
    }
    out.set(name, chunks);
  }
  return out;
}

/**
 * Canaries in stored bytes. `keptInOutputs` are values the engine keeps in de-identified files by
 * design (see KEPT_BY_THE_STANDARD in src/core/deid/leak.test.ts): they are allowed in the cached
 * outputs of the `results` store only, never anywhere else.
 */
async function canariesStored(
  data: LocalData,
  canaries: readonly string[],
  keptInOutputs: ReadonlySet<string>,
): Promise<string[]> {
  const found: string[] = [];
  for (const [store, chunks] of await dumpDatabase(data)) {
    const searched = store === 'results' ? canaries.filter((c) => !keptInOutputs.has(c)) : canaries;
    for (const chunk of chunks) {
      for (const canary of findCanaries(chunk, searched)) found.push(`${canary} in ${store}`);
    }
  }
  return found;
}

/** Procedure Code Sequence → Code Meaning: no row in PS3.15 Table E.1-1, kept (cleaned). */
const KEPT_PATH = '(0008,1032)[0]/(0008,0104)';

describe('a full workflow on PHI canary files', () => {
  it('leaves no canary in any stored byte or export, and every entry passes the guard', async () => {
    const made = [
      makePhiFile({ transferSyntax: TS.explicitLE, patient: 0 }),
      makePhiFile({ transferSyntax: TS.implicitLE, patient: 1, study: 1 }),
      makePhiFile({ transferSyntax: TS.deflatedLE, patient: 2 }),
      makePhiFile({ transferSyntax: TS.explicitBE, patient: 0, instance: 1 }),
    ];
    const cut = makePhiFile({ transferSyntax: TS.explicitLE, patient: 3 });
    const inputs = [...made.map((m) => m.bytes), cut.bytes.subarray(0, 900)];
    const canaries = [...new Set([...made, cut].flatMap((m) => m.canaries))];
    const kept = new Set(
      made.flatMap((m) => m.planted.filter((p) => p.path === KEPT_PATH).map((p) => p.value)),
    );
    expect(kept.size).toBeGreaterThan(0);
    // File names as a hospital export might have them: the patient's name in them.
    const fileNames = [...made, cut].map((m, k) => `${m.canaries[0]}_${k}.dcm`);
    expect(canaries.length).toBeGreaterThan(100);

    const opened = await openLocalData({
      name: 'workflow',
      appVersion: '0.1.0',
      sessionId: newRandomId(randomBytes(16)),
      now: () => clock,
    });
    if (!opened.ok) throw new Error(opened.problem.message);
    const data = opened.data;
    const log = (event: AuditEvent) => {
      tick();
      return data.audit.append(event);
    };

    await updateSettings(data, { operator: 'Dr. Ada Lovelace', requireSignOff: true });
    const key = createProjectKey(new Uint8Array(randomBytes(32)));
    await saveKey(data, key, 'generated');
    await log({ type: 'key-generated', fingerprint: key.fingerprint });
    const profile = defaultProfile();
    const pHash = await saveProfile(data, profile);
    expect(pHash).toBe(profileHash(profile));
    await log({ type: 'profile-chosen', profileHash: pHash, profileVersion: profile.version });

    const batchId = newRandomId(randomBytes(16));
    const inputHashes = inputs.map((b) => sha256(b));
    await log({
      type: 'files-imported',
      batchId,
      count: inputs.length,
      bytes: inputs.reduce((n, b) => n + b.length, 0),
      inputHashes,
    });
    await saveBatch(data, {
      id: batchId,
      profileHash: pHash,
      files: inputs.map((b, k) => ({ inputHash: inputHashes[k]!, size: b.length })),
    });
    await log({ type: 'phi-viewed', batchId, inputHash: inputHashes[0]!, view: 'tags' });
    await log({ type: 'phi-viewed', batchId, inputHash: inputHashes[1]!, view: 'image' });

    const plan = buildPlan(profile);
    const outcomes: { inputHash: string; outputHash?: string }[] = [];
    const outputs: Uint8Array[] = [];
    for (let k = 0; k < inputs.length; k++) {
      const result = deidentify(inputs[k]!, plan, { fileName: fileNames[k]!, key });
      const inputHash = inputHashes[k]!;
      if (result.ok) {
        const outputHash = sha256(result.bytes);
        outputs.push(result.bytes);
        outcomes.push({ inputHash, outputHash });
        await log({
          type: 'file-deidentified',
          batchId,
          inputHash,
          outputHash,
          counts: result.counts,
          warnings: warningCodes(result.warnings),
        });
        await saveResult(data, {
          batchId,
          inputHash,
          status: 'done',
          outputHash,
          output: new Blob([Uint8Array.from(result.bytes)]),
          counts: result.counts,
          warnings: warningCodes(result.warnings),
          identity: result.identity,
        });
      } else {
        outcomes.push({ inputHash });
        await log({ type: 'file-failed', batchId, inputHash, errorCode: result.error.code });
        await saveResult(data, {
          batchId,
          inputHash,
          status: 'failed',
          errorCode: result.error.code,
        });
      }
    }
    expect(outputs).toHaveLength(4);

    // Whoever wires the audit trail wrong, the guard stops PHI at the door: a canary offered in
    // place of any code, hash or id is refused, and nothing is stored for it.
    const before = await data.db.count('audit');
    const h = inputHashes[0]!;
    for (const canary of canaries) {
      const attempts: unknown[] = [
        { type: 'file-failed', batchId, inputHash: canary, errorCode: 'TRUNCATED' },
        { type: 'file-failed', batchId, inputHash: h, errorCode: canary },
        { type: 'phi-viewed', batchId: canary, inputHash: h, view: 'tags' },
        {
          type: 'file-deidentified',
          batchId,
          inputHash: h,
          outputHash: h,
          counts: outcomesCounts(),
          warnings: [canary],
        },
        { type: 'settings-changed', setting: 'operator', value: canary },
        { type: 'key-exported', fingerprint: key.fingerprint, note: canary },
      ];
      for (const event of attempts) {
        await expect(data.audit.append(event as AuditEvent)).rejects.toThrow(/refused/);
      }
    }
    expect(await data.db.count('audit')).toBe(before);

    await log({
      type: 'review-signed-off',
      batchId,
      batchHash: batchHash(pHash, outcomes),
      fileCount: 5,
      residualFiles: 0,
    });
    const segmentText = serializeAuditExport(await data.audit.segmentForBatch(batchId));
    const archive = Buffer.concat([...outputs, Buffer.from(segmentText)]);
    await log({
      type: 'exported',
      batchId,
      archiveHash: sha256(archive),
      fileCount: 4,
      mappingIncluded: false,
    });
    await log({ type: 'key-exported', fingerprint: key.fingerprint });
    tick();
    await updateSettings(data, { retention: { workingData: 'tab' } });
    tick();
    const json = await data.audit.exportJson();
    const csv = await data.audit.exportCsv();

    // The exports verify, the stored chain verifies, and every stored entry passes the guard.
    expect(verifyAuditExport(parseAuditExport(segmentText))).toEqual({ ok: true });
    expect(verifyAuditExport(parseAuditExport(json))).toEqual({ ok: true });
    const entries = await data.db.getAll('audit');
    for (const entry of entries) expect(entryProblem(entry)).toBeUndefined();
    expect(await data.audit.verify()).toEqual({ ok: true, count: entries.length });
    expect(entries.map((e) => e.event.type)).toEqual([
      'settings-changed',
      'settings-changed',
      'key-generated',
      'profile-chosen',
      'files-imported',
      'phi-viewed',
      'phi-viewed',
      'file-deidentified',
      'file-deidentified',
      'file-deidentified',
      'file-deidentified',
      'file-failed',
      'review-signed-off',
      'exported',
      'key-exported',
      'settings-changed',
      'audit-exported',
      'audit-exported',
    ]);

    // The search itself finds canaries where they are: in the inputs (a control, so that the
    // assertions below cannot pass by searching nothing).
    expect(findCanaries(inputs[2]!, canaries).length).toBeGreaterThan(20);
    expect(findCanaries(new TextEncoder().encode(fileNames.join()), canaries)).toHaveLength(
      new Set(fileNames.map((n) => n.split('_')[0])).size,
    );

    expect(await canariesStored(data, canaries, kept)).toEqual([]);
    for (const text of [json, csv, segmentText]) {
      expect(findCanaries(new TextEncoder().encode(text), canaries)).toEqual([]);
    }
    const stored = await dumpDatabase(data);
    // The cached outputs really were searched (deflated ones inflated): the values the engine
    // keeps by design are found there, in every output that has them.
    const keptFound = stored.get('results')!.flatMap((chunk) => findCanaries(chunk, [...kept]));
    expect(new Set(keptFound)).toEqual(kept);

    // Retention then purge: working data goes, the log stays whole and canary-free.
    clock += 2 * DAY_MS;
    expect(await enforceRetention(data, clock)).toMatchObject({ batches: 0 }); // own tab's batch
    await purgeWorkingData(data);
    expect(await data.db.count('results')).toBe(0);
    expect(await data.db.count('audit')).toBe(entries.length + 3);
    expect(await data.audit.verify()).toMatchObject({ ok: true });
    expect(await canariesStored(data, canaries, kept)).toEqual([]);
    data.close();
  });
});

function outcomesCounts() {
  return {
    removed: 1,
    emptied: 0,
    replaced: 0,
    'uid-remapped': 0,
    'date-shifted': 0,
    cleaned: 0,
    kept: 0,
    added: 0,
  };
}
