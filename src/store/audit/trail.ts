import type { AuditEntry, AuditEvent, AuditExport } from '../../core/audit';
import type { AuditLog, AuditPage, AuditQuery, LogVerdict } from '../../audit';

/**
 * Where the store writes audit entries: the hash-chained log in IndexedDB or, when this browser
 * cannot keep one and the person chose to go on (memoryTrail.ts), a chain that lives as long as the
 * tab. Both chain entries with the same core functions, so either one's exports verify with
 * `veil audit verify`.
 */
export interface AuditTrail {
  readonly kind: 'stored' | 'memory';
  readonly logId: string;
  /** Appends the events in order, in one write. */
  append(events: readonly AuditEvent[]): Promise<AuditEntry[]>;
  query(query: AuditQuery): Promise<AuditPage>;
  /** Every operator name in the trail, sorted. */
  operators(): Promise<string[]>;
  verify(): Promise<LogVerdict>;
  /** The whole trail as a verifiable export; the export itself is logged. */
  exportJson(): Promise<string>;
  /** The whole trail as CSV; the export itself is logged. */
  exportCsv(): Promise<string>;
  /** The run of entries naming `batchId`, verifiable on its own (an export zip's audit.json). */
  segmentForBatch(batchId: string): Promise<AuditExport>;
}

export function storedTrail(log: AuditLog): AuditTrail {
  return {
    kind: 'stored',
    logId: log.logId,
    append: (events) => log.appendMany(events),
    query: (query) => log.query(query),
    operators: () => log.operators(),
    verify: () => log.verify(),
    exportJson: () => log.exportJson(),
    exportCsv: () => log.exportCsv(),
    segmentForBatch: (batchId) => log.segmentForBatch(batchId),
  };
}
