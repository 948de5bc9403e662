import { openDB } from 'idb';
import { AuditLog } from './auditLog';
import { DB_NAME, DB_VERSION, upgradeVeilDb, type VeilDb } from './schema';

/** Everything the store needs to keep data in this browser, opened once at start-up. */
export interface LocalData {
  readonly db: VeilDb;
  readonly audit: AuditLog;
  /** This tab's session (see session.ts): working data under the 'tab' policy belongs to it. */
  readonly sessionId: string;
  /** Epoch ms: the same clock the audit log stamps entries with. */
  readonly now: () => number;
  close(): void;
}

/**
 * Why local storage cannot be used. The app shows `message` as is, and refuses to run without an
 * audit trail unless the person acknowledges it (then logs `no-audit-acknowledged` in whatever
 * trail the export carries).
 */
export type StorageProblem =
  | { readonly code: 'IDB_UNAVAILABLE'; readonly message: string }
  | { readonly code: 'IDB_NEWER_VERSION'; readonly message: string }
  | { readonly code: 'IDB_FAILED'; readonly message: string };

export type OpenResult =
  | { readonly ok: true; readonly data: LocalData }
  | { readonly ok: false; readonly problem: StorageProblem };

export interface OpenOptions {
  readonly appVersion: string;
  readonly sessionId: string;
  /** Database name; tests use their own. */
  readonly name?: string;
  readonly now?: () => number;
  readonly random?: (length: number) => Uint8Array;
  /** Another tab holds an older version open and has not closed it: ask the person to close it. */
  readonly onBlocked?: () => void;
  /**
   * A newer Veil in another tab wants to upgrade the database: this connection has been closed,
   * and the page should reload.
   */
  readonly onVersionChange?: () => void;
}

const UNAVAILABLE =
  'This browser does not let Veil store data (IndexedDB is unavailable: private windows and some ' +
  'privacy settings block it), so no audit trail can be kept and no work can be resumed.';

/**
 * Opens (creating or upgrading) the database and the audit log. Never throws: a browser without
 * usable IndexedDB (Firefox private windows before version 115, storage disabled, sandboxed
 * frames) gives `{ ok: false, problem }` that the app can show.
 */
export async function openLocalData(options: OpenOptions): Promise<OpenResult> {
  let factory: IDBFactory | undefined;
  try {
    // Reading the global can itself throw (SecurityError in sandboxed or opaque-origin frames).
    factory = globalThis.indexedDB;
  } catch {
    factory = undefined;
  }
  if (!factory) return fail('IDB_UNAVAILABLE', UNAVAILABLE);

  let db: VeilDb | undefined;
  try {
    db = await openDB(options.name ?? DB_NAME, DB_VERSION, {
      upgrade: (database, oldVersion, _newVersion, tx) => upgradeVeilDb(database, oldVersion, tx),
      blocked: () => options.onBlocked?.(),
      blocking: () => {
        // Let the other tab upgrade: a connection left open would block it forever.
        db?.close();
        options.onVersionChange?.();
      },
    });
    const now = options.now ?? Date.now;
    const audit = await AuditLog.open(db, {
      appVersion: options.appVersion,
      now,
      ...(options.random ? { random: options.random } : {}),
    });
    const opened = db;
    return {
      ok: true,
      data: { db, audit, sessionId: options.sessionId, now, close: () => opened.close() },
    };
  } catch (error) {
    db?.close();
    return fail(...describe(error));
  }
}

function describe(error: unknown): [StorageProblem['code'], string] {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  if (name === 'VersionError') {
    return [
      'IDB_NEWER_VERSION',
      'A newer version of Veil has upgraded the data stored in this browser: reload the page to run it.',
    ];
  }
  // InvalidStateError: Firefox private windows; SecurityError: storage blocked; UnknownError and
  // QuotaExceededError: a profile with no room or a broken store.
  if (['InvalidStateError', 'SecurityError', 'QuotaExceededError', 'UnknownError'].includes(name)) {
    return ['IDB_UNAVAILABLE', `${UNAVAILABLE} (${name})`];
  }
  return ['IDB_FAILED', `Veil could not open its stored data (${name || 'unknown error'}).`];
}

const fail = (code: StorageProblem['code'], message: string): OpenResult =>
  ({ ok: false, problem: { code, message } }) as OpenResult;
