import { sha256Hex } from './chain';
import type { AuditEvent, AuditEventType } from './events';

/**
 * One valid event of every type, built from fixed labels: the reference for what each event looks
 * like, and the material of the tests (here and in src/audit). No value in it is real.
 */
export function sampleEvents(batchId = 'b'.repeat(32)): {
  readonly [T in AuditEventType]: Extract<AuditEvent, { type: T }>;
} {
  const h = (label: string): string => sha256Hex(`sample:${label}`);
  return {
    'files-imported': {
      type: 'files-imported',
      batchId,
      count: 2,
      bytes: 1_048_576,
      inputHashes: [h('in1'), h('in2')],
    },
    'phi-viewed': { type: 'phi-viewed', batchId, inputHash: h('in1'), view: 'tags' },
    'profile-chosen': { type: 'profile-chosen', profileHash: h('profile'), profileVersion: 1 },
    'profile-changed': {
      type: 'profile-changed',
      profileHash: h('profile2'),
      profileVersion: 1,
      previousHash: h('profile'),
    },
    'key-generated': { type: 'key-generated', fingerprint: h('key').slice(0, 16) },
    'key-imported': { type: 'key-imported', fingerprint: h('key2').slice(0, 16) },
    'key-exported': { type: 'key-exported', fingerprint: h('key').slice(0, 16) },
    'file-deidentified': {
      type: 'file-deidentified',
      batchId,
      inputHash: h('in1'),
      outputHash: h('out1'),
      counts: {
        removed: 12,
        emptied: 3,
        replaced: 4,
        'uid-remapped': 5,
        'date-shifted': 0,
        cleaned: 1,
        kept: 40,
        added: 3,
      },
      warnings: ['GRAPHICS_KEPT', 'SAFE_PRIVATE_CASE'],
    },
    'file-failed': { type: 'file-failed', batchId, inputHash: h('in2'), errorCode: 'TRUNCATED' },
    'review-signed-off': {
      type: 'review-signed-off',
      batchId,
      batchHash: h('batch'),
      fileCount: 2,
      residualFiles: 1,
    },
    exported: {
      type: 'exported',
      batchId,
      archiveHash: h('zip'),
      fileCount: 1,
      mappingIncluded: false,
    },
    'retention-deleted': {
      type: 'retention-deleted',
      what: 'batches',
      count: 1,
      reason: 'expired',
    },
    'audit-exported': { type: 'audit-exported', format: 'json', entryCount: 11, lastSeq: 11 },
    'settings-changed': { type: 'settings-changed', setting: 'working-data-retention', value: 30 },
    'no-audit-acknowledged': { type: 'no-audit-acknowledged' },
  };
}
