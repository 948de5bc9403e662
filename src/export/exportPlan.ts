import { profileHash, serializeProfile } from '../core/deid/profile';
import type { ChangeCounts, DeidSuccess, DeidWarning, Profile } from '../core/deid/types';
import { VEIL_VERSION } from '../core/version';
import { layoutPaths, type LayoutItem } from './layout';
import {
  buildReport,
  type AuditTrailReport,
  mappingCsv,
  reportCsv,
  reportJson,
  type ExportReport,
  type LeftOutFile,
  type MappingRow,
  type ReportedFile,
} from './report';

export const REPORT_JSON = 'report.json';
export const REPORT_CSV = 'report.csv';
export const PROFILE_JSON = 'profile.json';
export const MAPPING_CSV = 'pseudonym-mapping.csv';
/** The batch's audit entries, a segment of the hash chain that verifies on its own. */
export const AUDIT_JSON = 'audit.json';

/** One imported file, as the export sees it. */
export type ExportItem =
  | {
      readonly item: number;
      readonly state: 'done';
      readonly output: Blob;
      /** CRC-32 of the output (the zip's checksum), computed when it was made. */
      readonly outputCrc32: number;
      readonly outputBytes: number;
      readonly inputBytes: number;
      readonly inputSha256: string;
      readonly outputSha256: string;
      readonly counts: ChangeCounts;
      readonly warnings: readonly DeidWarning[];
      readonly identity: DeidSuccess['identity'];
      readonly order: LayoutItem['order'];
    }
  | {
      readonly item: number;
      /** 'held': de-identified, but identifying values remain and nobody signed them off. */
      readonly state: 'failed' | 'skipped' | 'not-processed' | 'held';
      readonly code: string;
      readonly reason: string;
      readonly inputSha256?: string;
      readonly inputBytes?: number;
    };

export interface ExportInput {
  readonly items: readonly ExportItem[];
  /** The exact profile the files were de-identified with. */
  readonly profile: Profile;
  readonly keyFingerprint: string;
  /** When the run started (ISO). */
  readonly deidentified: string;
  /** Only when the person ticked the box: original Patient ID → pseudonym (PHI). */
  readonly mapping: readonly MappingRow[] | null;
  readonly created: Date;
  /** The batch's audit.json (null when it could not be made) and what the report says of it. */
  readonly audit?: { readonly json: string | null; readonly report: AuditTrailReport };
}

export interface ExportPlan {
  readonly report: ExportReport;
  /** Small text files at the top of the zip. */
  readonly documents: readonly { readonly name: string; readonly text: string }[];
  /** The de-identified files, in path order. Failed files are never here (fail closed). */
  readonly files: readonly { readonly name: string; readonly blob: Blob; readonly crc32: number }[];
}

/** Decides everything the zip holds before a byte of it is written. */
export function planExport(input: ExportInput): ExportPlan {
  const done = input.items.filter((i) => i.state === 'done');
  const layout = layoutPaths(
    done.map((i) => ({
      id: i.item,
      identity: i.identity,
      outputSha256: i.outputSha256,
      order: i.order,
    })),
  );
  const files: { name: string; blob: Blob; crc32: number }[] = [];
  const reported: ReportedFile[] = [];
  const leftOut: LeftOutFile[] = [];
  for (const item of input.items) {
    if (item.state !== 'done') {
      leftOut.push({
        item: item.item,
        status: item.state,
        code: item.code,
        reason: item.reason,
        ...(item.inputSha256 !== undefined ? { inputSha256: item.inputSha256 } : {}),
        ...(item.inputBytes !== undefined ? { inputBytes: item.inputBytes } : {}),
      });
      continue;
    }
    const path = layout.paths.get(item.item);
    if (path === undefined) {
      const first = layout.duplicates.get(item.item);
      leftOut.push({
        item: item.item,
        status: 'duplicate',
        code: 'DUPLICATE',
        reason: `the same file as item ${first ?? '?'} (opened twice); written once`,
        inputSha256: item.inputSha256,
        inputBytes: item.inputBytes,
      });
      continue;
    }
    files.push({ name: path, blob: item.output, crc32: item.outputCrc32 });
    reported.push({
      item: item.item,
      path,
      inputSha256: item.inputSha256,
      outputSha256: item.outputSha256,
      inputBytes: item.inputBytes,
      outputBytes: item.outputBytes,
      counts: item.counts,
      warnings: item.warnings.map((w) => ({
        code: w.code,
        message: w.message,
        ...(w.path !== undefined ? { path: w.path } : {}),
      })),
    });
  }
  const byPath = (a: { path: string }, b: { path: string }) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
  reported.sort(byPath);
  files.sort((a, b) => byPath({ path: a.name }, { path: b.name }));
  leftOut.sort((a, b) => a.item - b.item);

  const report = buildReport({
    created: input.created,
    deidentified: input.deidentified,
    toolVersion: VEIL_VERSION,
    profile: input.profile,
    profileSha256: profileHash(input.profile),
    profileFile: PROFILE_JSON,
    keyFingerprint: input.keyFingerprint,
    mappingFile: input.mapping ? MAPPING_CSV : null,
    ...(input.audit ? { auditTrail: input.audit.report } : {}),
    files: reported,
    leftOut,
  });
  const documents = [
    { name: REPORT_JSON, text: reportJson(report) },
    { name: REPORT_CSV, text: reportCsv(report) },
    { name: PROFILE_JSON, text: serializeProfile(input.profile) },
    ...(input.mapping ? [{ name: MAPPING_CSV, text: mappingCsv(input.mapping) }] : []),
    ...(input.audit && input.audit.json !== null
      ? [{ name: AUDIT_JSON, text: input.audit.json }]
      : []),
  ];
  return { report, documents, files };
}
