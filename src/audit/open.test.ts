import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openLocalData } from './open';
import { DB_VERSION } from './schema';
import { tabSessionId } from './session';

const options = { appVersion: '0.1.0', sessionId: 'a'.repeat(32) };

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('openLocalData', () => {
  it('creates version 1 with every store and index of the schema', async () => {
    const result = await openLocalData({ ...options, name: 'open-schema' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { db } = result.data;
    expect(DB_VERSION).toBe(1);
    expect(db.version).toBe(1);
    expect([...db.objectStoreNames].sort()).toEqual(
      ['audit', 'batches', 'keys', 'meta', 'profiles', 'pseudonymTables', 'results'].sort(),
    );
    const tx = db.transaction(['audit', 'results', 'meta']);
    expect(tx.objectStore('audit').keyPath).toBe('seq');
    expect(tx.objectStore('audit').index('byBatch').keyPath).toBe('event.batchId');
    expect(tx.objectStore('results').keyPath).toEqual(['batchId', 'inputHash']);
    expect(tx.objectStore('results').index('byBatch').keyPath).toBe('batchId');
    expect(await tx.objectStore('meta').get('log')).toMatchObject({
      kind: 'log',
      logId: result.data.audit.logId,
      head: { seq: 0 },
      anchor: { seq: 1 },
    });
    await tx.done;
    result.data.close();
  });

  it('says plainly when the browser has no IndexedDB (private windows)', async () => {
    vi.stubGlobal('indexedDB', undefined);
    const result = await openLocalData({ ...options, name: 'open-none' });
    expect(result).toMatchObject({ ok: false, problem: { code: 'IDB_UNAVAILABLE' } });
    if (!result.ok) expect(result.problem.message).toMatch(/private windows/);
  });

  it('reports an IndexedDB that refuses to open as unavailable (Firefox private mode)', async () => {
    vi.stubGlobal('indexedDB', {
      open: () => {
        throw new DOMException('A mutation operation was attempted', 'InvalidStateError');
      },
    });
    const result = await openLocalData({ ...options, name: 'open-refused' });
    expect(result).toMatchObject({ ok: false, problem: { code: 'IDB_UNAVAILABLE' } });
    if (!result.ok) expect(result.problem.message).toContain('InvalidStateError');
  });

  it('reports a database upgraded by a newer Veil', async () => {
    const newer = await openDB('open-newer', DB_VERSION + 1);
    newer.close();
    const result = await openLocalData({ ...options, name: 'open-newer' });
    expect(result).toMatchObject({ ok: false, problem: { code: 'IDB_NEWER_VERSION' } });
  });

  it('steps aside when a newer Veil in another tab upgrades', async () => {
    const onVersionChange = vi.fn();
    const result = await openLocalData({ ...options, name: 'open-yield', onVersionChange });
    expect(result.ok).toBe(true);
    const upgraded = await openDB('open-yield', DB_VERSION + 1, {
      upgrade: (db) => {
        db.createObjectStore('addedInVersion2');
      },
    });
    expect(onVersionChange).toHaveBeenCalledOnce();
    expect([...upgraded.objectStoreNames]).toContain('audit');
    upgraded.close();
  });
});

describe('tabSessionId', () => {
  it('keeps one id per tab in sessionStorage, and makes a new one without it', () => {
    const storage = new Map<string, string>();
    const session = {
      getItem: (k: string) => storage.get(k) ?? null,
      setItem: (k: string, v: string) => void storage.set(k, v),
    };
    const id = tabSessionId(session);
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(tabSessionId(session)).toBe(id);
    expect(tabSessionId(null)).not.toBe(id);
    const throwing = {
      getItem: () => {
        throw new DOMException('blocked', 'SecurityError');
      },
      setItem: () => {
        throw new DOMException('blocked', 'SecurityError');
      },
    };
    expect(tabSessionId(throwing)).toMatch(/^[0-9a-f]{32}$/);
  });
});
