import { toVeilError } from '../../core/errors';
import { planExport, type ExportItem } from '../../export/exportPlan';
import type { MappingRow } from '../../export/report';
import { exportZip } from '../../export/zip';
import { exportBlockedReason } from '../audit/selectors';
import type { StoreDeps } from '../deps';
import type { Slice, VeilState } from '../state';
import type { FileId } from '../types';

export interface ExportProgress {
  readonly status: 'idle' | 'writing' | 'done' | 'error';
  readonly written: number;
  readonly total: number;
  readonly message: string | null;
}

export interface ExportSlice {
  /** Put the original Patient ID → pseudonym table in the zip (it is PHI): off unless ticked. */
  readonly includeMapping: boolean;
  readonly exporting: ExportProgress;
  setIncludeMapping(on: boolean): void;
  /** Asks where to save, then streams the zip there. */
  exportZip(): Promise<void>;
}

export const EXPORT_IDLE: ExportProgress = { status: 'idle', written: 0, total: 0, message: null };
const IDLE = EXPORT_IDLE;

/** `20250304-0506` in the person's own time zone: the name they will look for in Downloads. */
const stamp = (date: Date): string => {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}${two(date.getMonth() + 1)}${two(date.getDate())}-${two(date.getHours())}${two(date.getMinutes())}`;
};

/**
 * The de-identified files as Blobs (disk-backed when the workers kept them in work files), by file;
 * one that cannot be found is missing from the map.
 */
async function exportOutputs(state: VeilState, deps: StoreDeps): Promise<Map<FileId, Blob>> {
  const outputs = new Map<FileId, Blob>();
  // Slicing a work file costs a trip to the browser process (~0.3 ms): 5,000 of them in one go
  // would be one long task, so the page gets a turn every few milliseconds.
  let since = performance.now();
  for (const [id, result] of state.results) {
    if (!result.ok) continue;
    try {
      outputs.set(id, await deps.runner.output(result.output));
    } catch {
      // Left out below, with the reason.
    }
    if (performance.now() - since > 20) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      since = performance.now();
    }
  }
  return outputs;
}

/** Every imported file, in import order, with what happened to it. */
export function exportItems(state: VeilState, outputs: ReadonlyMap<FileId, Blob>): ExportItem[] {
  const ran = new Set(state.lastRun?.fileIds ?? []);
  // Identifying values that survived go out only once a reviewer has signed this run off.
  const residualSignedOff = state.signOff !== null && state.signOff.run === state.lastRun;
  const items: ExportItem[] = [];
  for (const file of state.files.values()) {
    const result = state.results.get(file.id);
    const output = outputs.get(file.id);
    if (result?.ok && result.residual.length > 0 && !residualSignedOff) {
      const paths = [...new Set(result.residual.map((hit) => hit.path))];
      items.push({
        item: file.id,
        state: 'held',
        code: 'RESIDUAL_PHI',
        reason:
          `identifying values of the original remain at ${paths.slice(0, 6).join(', ')}` +
          `${paths.length > 6 ? ` and ${paths.length - 6} more` : ''}: change the rule, or sign off the review`,
        inputSha256: result.inputSha256,
        inputBytes: result.inputBytes,
      });
    } else if (result?.ok && !output) {
      // Fail closed: a file whose output cannot be read back is not in the zip.
      items.push({
        item: file.id,
        state: 'failed',
        code: 'OUTPUT_LOST',
        reason: 'the de-identified file could not be read back from the browser storage',
        inputSha256: result.inputSha256,
        inputBytes: result.inputBytes,
      });
    } else if (result?.ok) {
      const s = file.summary;
      items.push({
        item: file.id,
        state: 'done',
        output: output!,
        outputCrc32: result.outputCrc32,
        outputBytes: result.outputBytes,
        inputBytes: result.inputBytes,
        inputSha256: result.inputSha256,
        outputSha256: result.outputSha256,
        counts: result.counts,
        warnings: result.warnings,
        identity: result.identity,
        order: {
          studyDate: s?.studyDate ?? '',
          studyTime: s?.studyTime ?? '',
          seriesNumber: s?.seriesNumber,
          instanceNumber: s?.instanceNumber,
        },
      });
    } else if (result) {
      items.push({
        item: file.id,
        state: 'failed',
        code: result.error.code,
        reason: result.error.message,
        ...(result.inputSha256 !== undefined ? { inputSha256: result.inputSha256 } : {}),
        ...(result.inputBytes !== undefined ? { inputBytes: result.inputBytes } : {}),
      });
    } else if (file.status === 'skipped') {
      items.push({
        item: file.id,
        state: 'skipped',
        code: 'SKIPPED',
        reason: file.skipReason ?? 'not a DICOM file',
        inputBytes: file.size,
      });
    } else {
      items.push({
        item: file.id,
        state: 'not-processed',
        code: 'NOT_PROCESSED',
        reason: ran.has(file.id)
          ? 'not processed: the run was cancelled'
          : 'not processed: opened after the last run (run De-identify again)',
        inputBytes: file.size,
      });
    }
  }
  return items;
}

/** Original Patient ID → pseudonym for the files in the export (PHI: only when asked for). */
function mappingRows(state: VeilState): MappingRow[] {
  const table = state.lastRun?.pseudonymTable;
  const rows = new Map<string, MappingRow>();
  for (const [id, result] of state.results) {
    const original = state.files.get(id)?.summary?.patientId ?? '';
    if (!result.ok || rows.has(original)) continue;
    const pseudonymId = result.identity.patientPseudonym;
    rows.set(original, {
      originalPatientId: original,
      pseudonymId,
      pseudonymName: table?.get(original)?.name ?? pseudonymId,
    });
  }
  return [...rows.values()].sort((a, b) => (a.pseudonymId < b.pseudonymId ? -1 : 1));
}

export const createExportSlice =
  (deps: StoreDeps): Slice<ExportSlice> =>
  (set, get) => ({
    includeMapping: false,
    exporting: IDLE,
    setIncludeMapping: (on) => set({ includeMapping: on }),
    exportZip: async () => {
      const state = get();
      if (state.exporting.status === 'writing') return;
      const run = state.lastRun;
      if (
        !run ||
        state.run.status === 'running' ||
        ![...state.results.values()].some((r) => r.ok)
      ) {
        set({
          exporting: {
            ...IDLE,
            status: 'error',
            message: 'Nothing to export yet: de-identify the files first.',
          },
        });
        return;
      }
      const refusal = exportBlockedReason(state);
      if (refusal) {
        set({ exporting: { ...IDLE, status: 'error', message: refusal } });
        return;
      }
      const created = new Date(deps.now());
      // First await of the click: the save dialog needs its user activation.
      const target = await deps.openSaveTarget(`veil-export-${stamp(created)}.zip`);
      if (!target) {
        set({ exporting: IDLE });
        return;
      }
      const current = get();
      const outputs = await exportOutputs(current, deps);
      // The batch's audit entries so far (the export's own entry follows: it names the zip's hash).
      const audit = await get().auditForExport();
      const plan = planExport({
        audit,
        items: exportItems(current, outputs),
        profile: run.profile,
        keyFingerprint: run.key.fingerprint,
        deidentified: run.started,
        mapping: current.includeMapping ? mappingRows(current) : null,
        created,
      });
      const total = plan.files.length;
      set({ exporting: { status: 'writing', written: 0, total, message: null } });
      let last = 0;
      const zip = await exportZip(plan, created, (written) => {
        // At most one state update per flush interval, and always the last one.
        const now = deps.now();
        if (written === total || now - last >= deps.flushMs) {
          last = now;
          set({ exporting: { status: 'writing', written, total, message: null } });
        }
      });
      // A download is the zip Blob itself: its hash is read from the Blob in a worker. A file
      // chosen in the save dialog is written from the stream, hashed as it passes.
      const archive =
        target.kind === 'download'
          ? { stream: null, digest: () => get().auditArchiveBlob(zip.blob) }
          : get().auditArchive(zip.stream);
      try {
        await target.write(archive.stream, zip.blob);
        get().auditExported({
          archiveHash: await archive.digest(),
          fileCount: total,
          mappingIncluded: current.includeMapping,
        });
        const left = plan.report.leftOut.length;
        set({
          exporting: {
            status: 'done',
            written: total,
            total,
            message: `${total} file${total === 1 ? '' : 's'} written to ${target.name}${left > 0 ? `; ${left} left out (see report.csv)` : ''}.`,
          },
        });
      } catch (error) {
        set({
          exporting: {
            status: 'error',
            written: get().exporting.written,
            total,
            message: `The zip could not be written: ${toVeilError(error).message}`,
          },
        });
      }
    },
  });
