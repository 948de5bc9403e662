import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { AuditEntry } from '../core/audit';
import type {
  BatchRecord,
  KeyRecord,
  MetaRecord,
  ProfileRecord,
  PseudonymTableRecord,
  ResultRecord,
} from './records';

/**
 * The database, as a type: every store's key and value, so that a wrong store name, key or value
 * does not compile.
 *
 * - `audit`: the hash-chained log, keyed by seq. Never cleared with working data; only audit
 *   retention deletes from it, oldest entries first.
 * - `meta`: the log's record (`log`) and the settings (`settings`), keyed by `kind`.
 * - `batches`, `results`, `pseudonymTables`: working data, deleted by retention and "purge now".
 * - `profiles`, `keys`: kept until the person deletes them.
 */
export interface VeilSchema extends DBSchema {
  audit: {
    key: number;
    value: AuditEntry;
    /** Entries whose event names a batch (files, views, results, sign-off, export). */
    indexes: { byBatch: string };
  };
  meta: { key: MetaRecord['kind']; value: MetaRecord };
  batches: { key: string; value: BatchRecord };
  results: { key: [string, string]; value: ResultRecord; indexes: { byBatch: string } };
  profiles: { key: string; value: ProfileRecord };
  keys: { key: string; value: KeyRecord };
  pseudonymTables: { key: string; value: PseudonymTableRecord };
}

export type VeilDb = IDBPDatabase<VeilSchema>;
export type VeilStoreName = StoreNames<VeilSchema>;
export type WriteTx = IDBPTransaction<VeilSchema, VeilStoreName[], 'readwrite'>;

export const DB_NAME = 'veil';
export const WORKING_STORES = ['batches', 'results', 'pseudonymTables'] as const;

type Migration = (
  db: VeilDb,
  tx: IDBPTransaction<VeilSchema, VeilStoreName[], 'versionchange'>,
) => void;

/**
 * One step per version: MIGRATIONS[n] takes a database from version n to n + 1. A new version
 * appends a step (new stores, indexes, or data moves through `tx`) and never edits an old one, so
 * a browser that skipped versions runs every step it missed, in order.
 */
const MIGRATIONS: readonly Migration[] = [
  (db) => {
    db.createObjectStore('audit', { keyPath: 'seq' }).createIndex('byBatch', 'event.batchId');
    db.createObjectStore('meta', { keyPath: 'kind' });
    db.createObjectStore('batches', { keyPath: 'id' });
    db.createObjectStore('results', { keyPath: ['batchId', 'inputHash'] }).createIndex(
      'byBatch',
      'batchId',
    );
    db.createObjectStore('profiles', { keyPath: 'hash' });
    db.createObjectStore('keys', { keyPath: 'fingerprint' });
    db.createObjectStore('pseudonymTables', { keyPath: 'id' });
  },
];

export const DB_VERSION = MIGRATIONS.length;

/** The `upgrade` callback of openDB: runs the steps from `oldVersion` up to DB_VERSION. */
export function upgradeVeilDb(
  db: VeilDb,
  oldVersion: number,
  tx: IDBPTransaction<VeilSchema, VeilStoreName[], 'versionchange'>,
): void {
  for (let version = oldVersion; version < DB_VERSION; version++) MIGRATIONS[version]!(db, tx);
}
