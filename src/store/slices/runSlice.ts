import { buildPlan } from '../../core/deid/plan';
import type { ProjectKey } from '../../core/deid/projectKey';
import type { PseudonymTable } from '../../core/deid/pseudonymTable';
import type { Profile } from '../../core/deid/types';
import { toVeilError } from '../../core/errors';
import type { BatchSetup, InspectOutcome, JobOutcome } from '../../worker/protocol';
import { runBlockedReason } from '../audit/selectors';
import type { StoreDeps } from '../deps';
import { BatchSummarizer, residualRisks } from '../review';
import type { Notice, Slice } from '../state';
import { EXPORT_IDLE } from './exportSlice';
import type { BatchReview, FileId, FileResult, ImportedFile } from '../types';

export interface RunProgress {
  readonly status: 'idle' | 'running' | 'done' | 'cancelled';
  readonly total: number;
  /** Files finished, failures included. */
  readonly done: number;
  readonly failed: number;
  readonly bytesTotal: number;
  readonly bytesDone: number;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  /** Estimated time left, from the bytes done so far; null until there is something to go on. */
  readonly etaMs: number | null;
}

/** What produced the current results: the export describes exactly this, not later edits. */
export interface RunRecord {
  readonly profile: Profile;
  readonly key: ProjectKey;
  readonly pseudonymTable?: PseudonymTable;
  readonly fileIds: readonly FileId[];
  readonly started: string;
}

export interface RunSlice {
  readonly run: RunProgress;
  readonly runNotice: Notice | null;
  readonly results: ReadonlyMap<FileId, FileResult>;
  readonly lastRun: RunRecord | null;
  readonly review: BatchReview | null;
  /** De-identifies every DICOM file found (a key is created on first use). */
  deidentify(): Promise<void>;
  cancel(): void;
  /**
   * One file of the last run de-identified again, with every change and its values, for the diff
   * (the run itself keeps only counts and a digest). null when the file is not in the last run.
   */
  inspectFile(id: FileId): Promise<InspectOutcome | null>;
}

const IDLE: RunProgress = {
  status: 'idle',
  total: 0,
  done: 0,
  failed: 0,
  bytesTotal: 0,
  bytesDone: 0,
  startedAt: null,
  finishedAt: null,
  etaMs: null,
};

export const createRunSlice =
  (deps: StoreDeps): Slice<RunSlice> =>
  (set, get) => {
    let controller: AbortController | undefined;
    /** The setup each run used: an inspection must use the very same plan, key and table. */
    const setups = new WeakMap<RunRecord, BatchSetup>();
    /** The last run's setup, even once its files were cleared: its outputs are released next run. */
    let lastSetup: BatchSetup | undefined;

    const toResult = (file: ImportedFile, outcome: JobOutcome): FileResult => {
      if (!outcome.ok) return outcome;
      return { ...outcome, risks: residualRisks(file.summary, outcome.review, outcome.residual) };
    };

    return {
      run: IDLE,
      runNotice: null,
      results: new Map(),
      lastRun: null,
      review: null,

      deidentify: async () => {
        const state = get();
        if (state.run.status === 'running') return;
        const targets = [...state.files.values()].filter((f) => f.status === 'dicom');
        if (targets.length === 0) {
          set({
            runNotice: {
              kind: 'error',
              text: 'Open DICOM files first: there is nothing to de-identify.',
            },
          });
          return;
        }
        if (state.profileProblem) {
          set({ runNotice: { kind: 'error', text: state.profileProblem } });
          return;
        }
        const refusal = runBlockedReason(state);
        if (refusal) {
          set({ runNotice: { kind: 'error', text: refusal } });
          return;
        }
        const { profile } = state;
        const table = profile.pseudonyms.kind === 'table' ? state.pseudonymTable?.table : undefined;
        let setup: BatchSetup;
        try {
          const key = get().ensureKey();
          setup = { plan: buildPlan(profile), key, ...(table ? { pseudonymTable: table } : {}) };
        } catch (error) {
          set({ runNotice: { kind: 'error', text: toVeilError(error).message } });
          return;
        }

        const mine = new AbortController();
        controller = mine;
        const startedAt = deps.now();
        const bytesTotal = targets.reduce((n, f) => n + f.size, 0);
        let progress: RunProgress = {
          ...IDLE,
          status: 'running',
          total: targets.length,
          bytesTotal,
          startedAt,
        };
        const results = new Map<FileId, FileResult>();
        const summary = new BatchSummarizer();
        const record: RunRecord = {
          profile,
          key: setup.key,
          ...(table ? { pseudonymTable: table } : {}),
          fileIds: targets.map((f) => f.id),
          started: new Date(startedAt).toISOString(),
        };
        // The previous run's outputs go (after a grace period for a download still reading them).
        if (lastSetup) deps.runner.release(lastSetup);
        lastSetup = setup;
        setups.set(record, setup);
        // A new run makes the last export's message stale: the status line speaks of this run.
        set({
          run: progress,
          runNotice: null,
          results: new Map(),
          review: null,
          lastRun: record,
          // (An export still writing keeps its progress.)
          ...(state.exporting.status === 'writing' ? {} : { exporting: EXPORT_IDLE }),
        });
        const audit = get().auditRun(record);
        // Clearing the files drops this run's record: its late results must not come back.
        const current = (): boolean => get().lastRun === record;

        let timer: ReturnType<typeof setTimeout> | undefined;
        const flush = (): void => {
          if (timer !== undefined) clearTimeout(timer);
          timer = undefined;
          if (!current()) return;
          const elapsed = deps.now() - startedAt;
          const left = progress.bytesTotal - progress.bytesDone;
          progress = {
            ...progress,
            etaMs: progress.bytesDone > 0 ? (elapsed * left) / progress.bytesDone : null,
          };
          set({ run: progress, results: new Map(results) });
          void get().refreshInspection();
        };

        await Promise.all(
          targets.map(async (file) => {
            const outcome = await deps.runner.run(
              setup,
              file.path,
              file.source,
              mine.signal,
              file.size,
            );
            // A cancelled file is not a failure: it was never processed, and the export says so.
            if (!outcome.ok && outcome.error.code === 'ABORTED') return;
            const result = toResult(file, outcome);
            results.set(file.id, result);
            audit.file(file, result);
            summary.add(file.id, result);
            progress = {
              ...progress,
              done: progress.done + 1,
              failed: progress.failed + (outcome.ok ? 0 : 1),
              bytesDone: progress.bytesDone + file.size,
            };
            timer ??= setTimeout(flush, deps.flushMs);
          }),
        );
        if (controller === mine) controller = undefined;
        // Every job is answered: the workers close their work files, and the outputs can be read.
        await deps.runner.finish(setup);
        if (!current()) {
          // The files were cleared meanwhile: nothing will export these outputs.
          deps.runner.release(setup);
          if (lastSetup === setup) lastSetup = undefined;
          return;
        }
        flush();
        const cancelled = mine.signal.aborted;
        progress = {
          ...progress,
          status: cancelled ? 'cancelled' : 'done',
          finishedAt: deps.now(),
          etaMs: null,
        };
        set({ run: progress, review: summary.result() });
      },

      cancel: () => {
        if (!controller) return;
        controller.abort();
      },

      inspectFile: async (id) => {
        const { lastRun, files } = get();
        const setup = lastRun ? setups.get(lastRun) : undefined;
        const file = files.get(id);
        if (!setup || !file || !lastRun?.fileIds.includes(id)) return null;
        return deps.runner.inspect(setup, file.path, file.source);
      },
    };
  };
