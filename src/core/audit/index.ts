// The audit trail's pure core: event types, the PHI-shape guard, the hash chain and its exports.
// Import from here (`core/audit`): the folder's files are implementation detail.
export * from './events';
export { assertEventShape, assertNoPhiShape, entryProblem, eventProblem } from './noPhiShape';
export {
  appendEntry,
  describeVerdict,
  hashEntry,
  isIntact,
  linkBefore,
  logAnchor,
  sha256Hex,
  verifyChain,
  type ChainAnchor,
  type ChainFault,
  type ChainLink,
  type ChainVerdict,
} from './chain';
export {
  AUDIT_EXPORT_FORMAT,
  AuditExportFormatError,
  exportSegment,
  parseAuditExport,
  serializeAuditExport,
  verifyAuditExport,
  type AuditExport,
} from './auditExport';
export { CSV_COLUMNS, toCsv } from './csv';
export { batchHash, type BatchFileOutcome } from './batchHash';
export { newRandomId } from './randomId';
export { sampleEvents } from './samples';
export { isOperatorName } from './patterns';
