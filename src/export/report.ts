import { OPTIONS } from '../core/deid/options';
import {
  CHANGE_KINDS,
  emptyChangeCounts,
  type ChangeCounts,
  type DeidWarning,
  type Profile,
} from '../core/deid/types';

export { CHANGE_KINDS };

export interface ReportedFile {
  /** Import order number: how the page lists the file (its name is never written). */
  readonly item: number;
  readonly path: string;
  readonly inputSha256: string;
  readonly outputSha256: string;
  readonly inputBytes: number;
  readonly outputBytes: number;
  readonly counts: ChangeCounts;
  readonly warnings: readonly DeidWarning[];
}

export interface LeftOutFile {
  readonly item: number;
  readonly status: 'skipped' | 'failed' | 'not-processed' | 'duplicate' | 'held';
  readonly code: string;
  readonly reason: string;
  readonly inputSha256?: string;
  readonly inputBytes?: number;
}

/** The audit trail that goes with an export (the store's audit slice fills it in). */
export interface AuditTrailReport {
  /** The batch's entries as a segment `veil audit verify` checks on its own; null if missing. */
  readonly file: string | null;
  readonly logId: string;
  /** The log is kept in this browser (IndexedDB); false: it lived only as long as the tab. */
  readonly stored: boolean;
  /** This browser could keep no audit trail, and the person chose to run without a stored one. */
  readonly withoutStoredTrailAcknowledged: boolean;
}

export interface ExportReport {
  readonly format: 'veil-export-report';
  readonly version: 1;
  readonly tool: { readonly name: 'veil'; readonly version: string };
  readonly created: string;
  readonly deidentified: string;
  /** canonicalSha256 is profileHash(): SHA-256 of the canonical JSON, as the CLI report has it. */
  readonly profile: {
    readonly name: string;
    readonly canonicalSha256: string;
    readonly file: string;
  };
  readonly options: readonly {
    readonly name: string;
    readonly code: string;
    readonly meaning: string;
  }[];
  readonly key: { readonly fingerprint: string };
  readonly pseudonyms: 'keyed' | 'table';
  /** The mapping file, when the person chose to include it (it is PHI). */
  readonly pseudonymMapping: string | null;
  readonly auditTrail?: AuditTrailReport;
  readonly summary: {
    readonly files: number;
    readonly included: number;
    readonly leftOut: number;
    readonly warnings: number;
    readonly inputBytes: number;
    readonly outputBytes: number;
    readonly changes: ChangeCounts;
  };
  readonly files: readonly ReportedFile[];
  readonly leftOut: readonly LeftOutFile[];
}

export interface ReportInput {
  readonly created: Date;
  readonly deidentified: string;
  readonly toolVersion: string;
  readonly profile: Profile;
  readonly profileSha256: string;
  readonly profileFile: string;
  readonly keyFingerprint: string;
  readonly mappingFile: string | null;
  readonly auditTrail?: AuditTrailReport;
  readonly files: readonly ReportedFile[];
  readonly leftOut: readonly LeftOutFile[];
}

/** The report: hashes, paths inside the zip, counts, codes. Never a value from a file, never a name. */
export function buildReport(input: ReportInput): ExportReport {
  const changes = emptyChangeCounts();
  for (const file of input.files)
    for (const kind of CHANGE_KINDS) changes[kind] += file.counts[kind];
  return {
    format: 'veil-export-report',
    version: 1,
    tool: { name: 'veil', version: input.toolVersion },
    created: input.created.toISOString(),
    deidentified: input.deidentified,
    profile: {
      name: input.profile.name,
      canonicalSha256: input.profileSha256,
      file: input.profileFile,
    },
    options: input.profile.options.map((name) => ({
      name,
      code: OPTIONS[name].code,
      meaning: OPTIONS[name].standardName,
    })),
    key: { fingerprint: input.keyFingerprint },
    pseudonyms: input.profile.pseudonyms.kind,
    pseudonymMapping: input.mappingFile,
    ...(input.auditTrail ? { auditTrail: input.auditTrail } : {}),
    summary: {
      files: input.files.length + input.leftOut.length,
      included: input.files.length,
      leftOut: input.leftOut.length,
      warnings: input.files.reduce((n, f) => n + f.warnings.length, 0),
      inputBytes: input.files.reduce((n, f) => n + f.inputBytes, 0),
      outputBytes: input.files.reduce((n, f) => n + f.outputBytes, 0),
      changes,
    },
    files: input.files,
    leftOut: input.leftOut,
  };
}

export const reportJson = (report: ExportReport): string => `${JSON.stringify(report, null, 2)}\n`;

const CSV_COLUMNS = [
  'item',
  'status',
  'path',
  'input_sha256',
  'output_sha256',
  'input_bytes',
  'output_bytes',
  ...CHANGE_KINDS.map((k) => k.replace('-', '_')),
  'warnings',
  'warning_codes',
  'code',
  'reason',
];

/** The same report, one row per file (included or left out), for a spreadsheet. */
export function reportCsv(report: ExportReport): string {
  const rows: (string | number)[][] = [CSV_COLUMNS];
  for (const f of report.files) {
    rows.push([
      f.item,
      'included',
      f.path,
      f.inputSha256,
      f.outputSha256,
      f.inputBytes,
      f.outputBytes,
      ...CHANGE_KINDS.map((k) => f.counts[k]),
      f.warnings.length,
      [...new Set(f.warnings.map((w) => w.code))].join(' '),
      '',
      '',
    ]);
  }
  for (const f of report.leftOut) {
    rows.push([
      f.item,
      f.status,
      '',
      f.inputSha256 ?? '',
      '',
      f.inputBytes ?? '',
      '',
      ...CHANGE_KINDS.map(() => ''),
      '',
      '',
      f.code,
      f.reason,
    ]);
  }
  return toCsv(rows);
}

export interface MappingRow {
  readonly originalPatientId: string;
  readonly pseudonymId: string;
  readonly pseudonymName: string;
}

/**
 * Original Patient ID → pseudonym, in the columns of a pseudonym table, so that a later batch can
 * load it as its table. This file is PHI: it is written only when the person asks for it.
 */
export function mappingCsv(rows: readonly MappingRow[]): string {
  // No formula guard here: the IDs must read back exactly.
  return toCsv(
    [
      ['original_patient_id', 'pseudonym_id', 'pseudonym_name'],
      ...rows.map((r) => [r.originalPatientId, r.pseudonymId, r.pseudonymName]),
    ],
    false,
  );
}

/** RFC 4180, CRLF; a cell a spreadsheet would run as a formula gets a leading apostrophe. */
export function toCsv(
  rows: readonly (readonly (string | number)[])[],
  guardFormulas = true,
): string {
  const cell = (value: string | number): string => {
    let text = String(value);
    if (guardFormulas && typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return `${rows.map((row) => row.map(cell).join(',')).join('\r\n')}\r\n`;
}
