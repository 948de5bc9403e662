// The browser's local data: the audit log (hash chain in IndexedDB), settings, working data for
// session recovery, and retention. The store imports from here; the UI never does (lint rule).
export { AuditLog, UNSET_OPERATOR, type AuditLogOptions, type LogVerdict } from './auditLog';
export { auditMatcher, type AuditPage, type AuditQuery } from './auditQuery';
export {
  openLocalData,
  type LocalData,
  type OpenOptions,
  type OpenResult,
  type StorageProblem,
} from './open';
export type * from './records';
export {
  DAY_MS,
  enforceRetention,
  purgeWorkingData,
  RETENTION_INTERVAL_MS,
  startRetentionTimer,
  systemClock,
  TAB_GRACE_MS,
  touchSession,
  type RetentionClock,
  type RetentionReport,
  type RetentionTimer,
} from './retention';
export { DB_NAME, DB_VERSION, type VeilDb, type VeilSchema } from './schema';
export { tabSessionId } from './session';
export {
  applySettingsPatch,
  checkedOperator,
  DEFAULT_AUDIT_DAYS,
  DEFAULT_RETENTION,
  DEFAULT_SETTINGS,
  loadSettings,
  settingsEvents,
  updateSettings,
  type Settings,
  type SettingsPatch,
} from './settings';
export * from './workingData';
