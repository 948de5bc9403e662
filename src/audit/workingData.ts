import { sha256Hex, type AuditEvent } from '../core/audit';
import { profileHash } from '../core/deid/profile';
import type { ProjectKey } from '../core/deid/projectKey';
import type { Profile } from '../core/deid/types';
import type { LocalData } from './open';
import type {
  BatchFile,
  BatchRecord,
  KeyRecord,
  ProfileRecord,
  PseudonymTableRecord,
  ResultRecord,
} from './records';

/**
 * The current batch and what belongs with it, kept so that after a reload or a crash the app can
 * offer to resume. Saving is not an audited step (the store logs the step itself: import,
 * de-identification…); deleting is, as a `retention-deleted` entry with reason 'person', written
 * in the same transaction as the deletion.
 */

export interface SavedBatch {
  readonly batch: BatchRecord;
  /** Results so far, in no particular order. */
  readonly results: readonly ResultRecord[];
}

export type NewResult =
  | Omit<Extract<ResultRecord, { status: 'done' }>, 'saved'>
  | Omit<Extract<ResultRecord, { status: 'failed' }>, 'saved'>;

/**
 * Saves (or replaces) the batch's file list and profile; stamps this tab's session and now. A
 * profile left out keeps the one saved before, and an export mark stays.
 */
export async function saveBatch(
  data: LocalData,
  batch: {
    readonly id: string;
    readonly files: readonly BatchFile[];
    readonly profileHash: string | null;
    readonly profile?: Profile;
  },
): Promise<BatchRecord> {
  const tx = data.db.transaction('batches', 'readwrite');
  const now = data.now();
  const existing = await tx.store.get(batch.id);
  const profile = batch.profile ?? existing?.profile;
  const record: BatchRecord = {
    id: batch.id,
    sessionId: data.sessionId,
    created: existing?.created ?? now,
    touched: now,
    profileHash: batch.profileHash,
    ...(profile ? { profile } : {}),
    files: batch.files.map((f) => ({ inputHash: f.inputHash, size: f.size })),
    ...(existing?.exported !== undefined ? { exported: existing.exported } : {}),
  };
  await tx.store.put(record);
  await tx.done;
  return record;
}

/** Saves one file's result and marks its batch as used now. */
export async function saveResult(data: LocalData, result: NewResult): Promise<void> {
  await saveResults(data, [result]);
}

/** Saves several results in one transaction (a run saves them in groups, not one by one). */
export async function saveResults(data: LocalData, results: readonly NewResult[]): Promise<void> {
  if (results.length === 0) return;
  const tx = data.db.transaction(['results', 'batches'], 'readwrite');
  const now = data.now();
  const batchIds = new Set<string>();
  for (const result of results) {
    await tx.objectStore('results').put({ ...result, saved: now });
    batchIds.add(result.batchId);
  }
  for (const id of batchIds) {
    const batch = await tx.objectStore('batches').get(id);
    if (batch)
      await tx.objectStore('batches').put({ ...batch, touched: now, sessionId: data.sessionId });
  }
  await tx.done;
}

/** Marks a batch as exported (it stays, for retention to delete, but is no longer offered). */
export async function markBatchExported(data: LocalData, id: string): Promise<void> {
  const tx = data.db.transaction('batches', 'readwrite');
  const batch = await tx.store.get(id);
  if (batch) await tx.store.put({ ...batch, exported: data.now() });
  await tx.done;
}

export async function loadBatch(data: LocalData, id: string): Promise<SavedBatch | undefined> {
  const tx = data.db.transaction(['batches', 'results']);
  const batch = await tx.objectStore('batches').get(id);
  const results = batch ? await tx.objectStore('results').index('byBatch').getAll(id) : [];
  await tx.done;
  return batch ? { batch, results } : undefined;
}

/** Every saved batch, most recently used first. */
export async function listBatches(data: LocalData): Promise<BatchRecord[]> {
  const batches = await data.db.getAll('batches');
  return batches.sort((a, b) => b.touched - a.touched);
}

/** The batch to offer for resuming: the most recently used one, with its results. */
export async function latestBatch(data: LocalData): Promise<SavedBatch | undefined> {
  const [latest] = await listBatches(data);
  return latest ? loadBatch(data, latest.id) : undefined;
}

/**
 * The batch to offer after a reload: the most recently used one that has files and was not
 * exported since its last change, with its results.
 */
export async function resumableBatch(data: LocalData): Promise<SavedBatch | undefined> {
  const batches = await listBatches(data);
  const open = batches.find(
    (b) => b.files.length > 0 && (b.exported === undefined || b.exported < b.touched),
  );
  return open ? loadBatch(data, open.id) : undefined;
}

/** Deletes a batch and its results at the person's request, and logs it. */
export async function deleteBatch(data: LocalData, id: string): Promise<void> {
  await data.audit.transact(['batches', 'results'], async (tx) => {
    if (!(await tx.objectStore('batches').get(id))) return [];
    const keys = await tx.objectStore('results').index('byBatch').getAllKeys(id);
    await tx.objectStore('batches').delete(id);
    for (const key of keys) await tx.objectStore('results').delete(key);
    return [
      deleted('batches', 1, 'person'),
      ...(keys.length > 0 ? [deleted('results', keys.length, 'person')] : []),
    ];
  });
}

/** Saves a profile under its hash (the hash the audit events name). */
export async function saveProfile(data: LocalData, profile: Profile): Promise<string> {
  const hash = profileHash(profile);
  await data.db.put('profiles', { hash, profile, saved: data.now() });
  return hash;
}

export async function loadProfiles(data: LocalData): Promise<ProfileRecord[]> {
  return data.db.getAll('profiles');
}

/** Deletes a saved profile (a rule set, not working data: not an audited deletion). */
export async function deleteProfile(data: LocalData, hash: string): Promise<void> {
  await data.db.delete('profiles', hash);
}

/**
 * Keeps the project key in this browser until the person deletes it (retention never does:
 * losing it breaks the mapping of later batches). Log key-generated or key-imported yourself.
 */
export async function saveKey(
  data: LocalData,
  key: ProjectKey,
  source: KeyRecord['source'],
  created?: string,
): Promise<void> {
  const bytes = Uint8Array.from(key.bytes);
  await data.db.put('keys', {
    fingerprint: key.fingerprint,
    bytes,
    source,
    saved: data.now(),
    ...(created !== undefined ? { created } : {}),
  });
}

/** Stored keys, most recently saved first. */
export async function loadKeys(data: LocalData): Promise<KeyRecord[]> {
  const keys = await data.db.getAll('keys');
  return keys.sort((a, b) => b.saved - a.saved);
}

export async function deleteKey(data: LocalData, fingerprint: string): Promise<void> {
  await data.audit.transact(['keys'], async (tx) => {
    if (!(await tx.objectStore('keys').get(fingerprint))) return [];
    await tx.objectStore('keys').delete(fingerprint);
    return [deleted('keys', 1, 'person')];
  });
}

/** Keeps a pseudonym table (working data: retention deletes it). Returns its id. */
export async function savePseudonymTable(data: LocalData, csv: string): Promise<string> {
  const id = sha256Hex(csv);
  const tx = data.db.transaction('pseudonymTables', 'readwrite');
  const now = data.now();
  const existing = await tx.store.get(id);
  const record: PseudonymTableRecord = {
    id,
    sessionId: data.sessionId,
    csv,
    created: existing?.created ?? now,
    touched: now,
  };
  await tx.store.put(record);
  await tx.done;
  return id;
}

export async function loadPseudonymTable(data: LocalData, id: string): Promise<string | undefined> {
  return (await data.db.get('pseudonymTables', id))?.csv;
}

export async function deletePseudonymTable(data: LocalData, id: string): Promise<void> {
  await data.audit.transact(['pseudonymTables'], async (tx) => {
    if (!(await tx.objectStore('pseudonymTables').get(id))) return [];
    await tx.objectStore('pseudonymTables').delete(id);
    return [deleted('pseudonym-tables', 1, 'person')];
  });
}

export const deleted = (
  what: Extract<AuditEvent, { type: 'retention-deleted' }>['what'],
  count: number,
  reason: Extract<AuditEvent, { type: 'retention-deleted' }>['reason'],
  anchor?: string,
): AuditEvent => ({
  type: 'retention-deleted',
  what,
  count,
  reason,
  ...(anchor !== undefined ? { anchor } : {}),
});
