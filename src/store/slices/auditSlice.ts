import {
  batchHash,
  describeVerdict,
  newRandomId,
  serializeAuditExport,
  warningCodes,
  type AuditEvent,
  type BatchFileOutcome,
} from '../../core/audit';
import { profileHash } from '../../core/deid/profile';
import type { Profile } from '../../core/deid/types';
import { toVeilError } from '../../core/errors';
import { VEIL_VERSION } from '../../core/version';
import {
  applySettingsPatch,
  checkedOperator,
  DEFAULT_SETTINGS,
  deleteBatch,
  markBatchExported,
  purgeWorkingData,
  resumableBatch,
  saveBatch,
  savePseudonymTable,
  saveResults,
  settingsEvents,
  updateSettings,
  type AuditPage,
  type AuditQuery,
  type NewResult,
  type RetentionReport,
  type SavedBatch,
  type Settings,
  type SettingsPatch,
} from '../../audit';
import { AUDIT_JSON } from '../../export/exportPlan';
import type { AuditTrailReport } from '../../export/report';
import { createArchiveHasher, type ArchiveHasher } from '../audit/archiveHash';
import type { StoredBoot } from '../audit/boot';
import { FileHasher } from '../audit/fileHashes';
import { memoryTrail } from '../audit/memoryTrail';
import { AuditRecorder } from '../audit/recorder';
import { storedTrail, type AuditTrail } from '../audit/trail';
import type { StoreDeps } from '../deps';
import type { Notice, Slice } from '../state';
import type { FileId, FileResult, ImportedFile } from '../types';
import type { RunRecord } from './runSlice';

/** The reviewer's confirmation of one run's results (see batchHash in core/audit). */
export interface SignOff {
  readonly run: RunRecord;
  readonly batchHash: string;
  readonly fileCount: number;
}

/** An unfinished batch from an earlier visit, as the resume banner describes it. */
export interface ResumeOffer {
  readonly batchId: string;
  /** When it was last worked on (epoch ms). */
  readonly touched: number;
  readonly files: number;
  readonly bytes: number;
  readonly done: number;
  readonly failed: number;
  readonly profileName: string | null;
}

/** A resumed batch waiting for its files to be opened again. */
export interface ResumeProgress {
  readonly batchId: string;
  /** Files of the saved batch, and how many of them were found among those opened again. */
  readonly expected: number;
  readonly found: number;
  /** Files opened that the saved batch did not have (they join it). */
  readonly extra: number;
}

export interface AuditVerdictView {
  readonly ok: boolean;
  /** One line a person can act on: "the chain is intact" or which entry was altered… */
  readonly text: string;
  readonly count: number;
  readonly firstBad?: number;
  /** When it was checked (epoch ms): later entries are not covered. */
  readonly checkedAt: number;
}

/** What an export carries from the audit trail: audit.json, and what the report says. */
export interface ExportAudit {
  readonly json: string | null;
  readonly report: AuditTrailReport;
}

/** A run's link to the audit trail: one call per finished file. */
export interface RunAudit {
  file(file: ImportedFile, result: FileResult): void;
}

export interface AuditSlice {
  /** 'stored': the hash-chained log in IndexedDB; 'memory': this tab only. */
  readonly auditTrail: 'stored' | 'memory';
  /** Why this browser keeps no audit trail (IndexedDB unavailable); null when it keeps one. */
  readonly storageProblem: string | null;
  /** The person chose to go on without a stored trail (only meaningful with storageProblem). */
  readonly noAuditAcknowledged: boolean;
  readonly auditSettings: Settings;
  /** "Not now" on the operator prompt: not asked again during this visit. */
  readonly operatorPromptDismissed: boolean;
  /** The batch the audit events of the current files belong to (null before the first import). */
  readonly batchId: string | null;
  readonly signOff: SignOff | null;
  readonly resumeOffer: ResumeOffer | null;
  readonly resuming: ResumeProgress | null;
  readonly auditNotice: Notice | null;
  readonly auditVerdict: AuditVerdictView | null;
  /** The last retention run that deleted something (epoch ms and counts), for the settings. */
  readonly lastRetention: { readonly at: number; readonly report: RetentionReport } | null;

  setOperator(name: string): Promise<void>;
  dismissOperatorPrompt(): void;
  changeSettings(patch: SettingsPatch): Promise<void>;
  acknowledgeNoAudit(): void;
  /** The reviewer confirms the last run's results (logged with the batch hash). */
  signOffReview(): Promise<void>;
  /** Deletes every batch, cached result and pseudonym table (and stored keys when asked). */
  purgeWorkingData(options?: { readonly keys?: boolean }): Promise<void>;
  queryAudit(query: AuditQuery): Promise<AuditPage>;
  auditOperators(): Promise<string[]>;
  verifyAudit(): Promise<void>;
  exportAudit(format: 'json' | 'csv'): Promise<void>;
  resumeBatch(): void;
  discardResume(): Promise<void>;
  dismissAuditNotice(): void;
  /** Resolves once every audit event recorded so far is written. */
  flushAudit(): Promise<void>;

  // The other slices' links to the trail.
  /** Files just imported (their ids): hashed in the background, then one files-imported entry. */
  auditImport(ids: readonly FileId[]): void;
  auditRun(record: RunRecord): RunAudit;
  auditKey(kind: 'generated' | 'imported' | 'exported', fingerprint: string): void;
  /** The person loaded a profile (a file, a saved one, a resumed batch's). */
  auditProfileChosen(profile: Profile): void;
  rememberPseudonymTable(csv: string): void;
  /** audit.json for the current batch's export, and what the report says about the trail. */
  auditForExport(): Promise<ExportAudit>;
  /** The export archive's stream, hashed on its way to disk (for the `exported` entry). */
  auditArchive(stream: ReadableStream<Uint8Array>): ReturnType<ArchiveHasher['tap']>;
  /** The SHA-256 of an archive that is a Blob (the download path), read off the page. */
  auditArchiveBlob(blob: Blob): Promise<string>;
  auditExported(archive: {
    readonly archiveHash: string;
    readonly fileCount: number;
    readonly mappingIncluded: boolean;
  }): void;
  /** The files were cleared: the next import starts a new batch. */
  endBatch(): void;
}

/** Results are saved for session recovery in groups, at most this often. */
const SAVE_RESULTS_MS = 1000;

interface Batch {
  readonly id: string;
  /** Input hash → size: every file of the batch (a resumed batch starts with the saved list). */
  readonly files: Map<string, number>;
  profile: Profile | null;
  /** For a resumed batch: the saved list, and the hashes found among the files opened again. */
  readonly expected: ReadonlyMap<string, number> | null;
  readonly seen: Set<string>;
}

export const createAuditSlice =
  (deps: StoreDeps): Slice<AuditSlice> =>
  (set, get, api) => {
    const boot: StoredBoot | undefined = deps.local?.kind === 'stored' ? deps.local : undefined;
    const data = boot?.data;
    const trail: AuditTrail = boot
      ? storedTrail(boot.data.audit)
      : memoryTrail({
          appVersion: VEIL_VERSION,
          now: deps.now,
          random: deps.random,
          operator: () => get().auditSettings.operator,
        });
    const fail = (error: unknown, what = 'The audit trail could not be written'): void =>
      set({ auditNotice: { kind: 'error', text: `${what}: ${toVeilError(error).message}` } });
    const recorder = new AuditRecorder(() => trail, fail);
    // Hashing waits while a run reads the files: the run's hashes arrive through `offer`.
    const notRunning = (): Promise<void> =>
      new Promise((resolve) => {
        if (get().run.status !== 'running') return resolve();
        const stop = api.subscribe((state) => {
          if (state.run.status === 'running') return;
          stop();
          resolve();
        });
      });
    const hasher = new FileHasher(deps.sha256, notRunning);
    const archiveHasher = deps.archiveHasher ?? createArchiveHasher();
    let batch: Batch | null = null;
    const logged = new Set<FileId>();
    let lastProfileHash = boot?.lastProfileHash ?? null;
    let saved: SavedBatch | undefined = boot?.resumable;
    let pendingResults: NewResult[] = [];
    let resultsTimer: ReturnType<typeof setTimeout> | undefined;

    /** Work that writes to the log directly waits for the recorder, to keep the order. */
    const afterRecorded = async <T>(work: () => Promise<T>): Promise<T> => {
      await recorder.flush();
      return work();
    };

    const ensureBatch = (): Batch => {
      if (batch) return batch;
      batch = {
        id: newRandomId(deps.random(16)),
        files: new Map(),
        profile: null,
        expected: null,
        seen: new Set(),
      };
      set({ batchId: batch.id });
      return batch;
    };

    const persistBatch = (b: Batch): void => {
      if (!data) return;
      saveBatch(data, {
        id: b.id,
        files: [...b.files].map(([inputHash, size]) => ({ inputHash, size })),
        profileHash: b.profile ? profileHash(b.profile) : null,
        ...(b.profile ? { profile: b.profile } : {}),
      }).catch((error: unknown) => fail(error, 'The batch could not be saved for resuming'));
    };

    const saveResultsSoon = (result: NewResult): void => {
      if (!data) return;
      pendingResults.push(result);
      resultsTimer ??= setTimeout(() => {
        resultsTimer = undefined;
        const group = pendingResults;
        pendingResults = [];
        saveResults(data, group).catch((error: unknown) =>
          fail(error, 'Results could not be saved for resuming'),
        );
      }, SAVE_RESULTS_MS);
    };

    const showResume = (offer: SavedBatch | undefined): ResumeOffer | null => {
      if (!offer) return null;
      const done = offer.results.filter((r) => r.status === 'done').length;
      return {
        batchId: offer.batch.id,
        touched: offer.batch.touched,
        files: offer.batch.files.length,
        bytes: offer.batch.files.reduce((n, f) => n + f.size, 0),
        done,
        failed: offer.results.length - done,
        profileName: offer.batch.profile?.name ?? null,
      };
    };

    const updateResuming = (b: Batch): void => {
      if (!b.expected || get().resuming?.batchId !== b.id) return;
      let found = 0;
      for (const hash of b.seen) if (b.expected.has(hash)) found++;
      set({
        resuming: { batchId: b.id, expected: b.expected.size, found, extra: b.seen.size - found },
      });
    };

    /** Logs the profile when it differs from the one the log last named. */
    const noteProfile = (profile: Profile, chosen: boolean): void => {
      const hash = profileHash(profile);
      if (hash === lastProfileHash) return;
      const previous = lastProfileHash;
      lastProfileHash = hash;
      recorder.record(
        chosen || previous === null
          ? { type: 'profile-chosen', profileHash: hash, profileVersion: profile.version }
          : {
              type: 'profile-changed',
              profileHash: hash,
              profileVersion: profile.version,
              previousHash: previous,
            },
      );
    };

    const saveSettings = async (patch: SettingsPatch): Promise<void> => {
      try {
        if (data) {
          const next = await afterRecorded(() => updateSettings(data, patch));
          set({ auditSettings: next });
          return;
        }
        const operator = checkedOperator(patch);
        const current = get().auditSettings;
        const next = applySettingsPatch(current, { ...patch, ...(operator ? { operator } : {}) });
        const events = settingsEvents(current, next);
        // The new operator signs the entry that records the change, as in the stored log.
        set({ auditSettings: next });
        for (const event of events) recorder.record(event);
      } catch (error) {
        fail(error, 'The setting was not changed');
      }
    };

    // A PHI view: an instance's original tags or image on screen (the Tags or Preview tab).
    let lastView: string | null = null;
    api.subscribe((state) => {
      const { inspection, tab } = state;
      const view = tab === 'preview' ? 'image' : tab === 'tags' ? 'tags' : null;
      if (inspection.status !== 'ready' || inspection.fileId === null || view === null) {
        lastView = null;
        return;
      }
      const key = `${inspection.fileId}:${view}`;
      if (key === lastView) return;
      lastView = key;
      const file = state.files.get(inspection.fileId);
      const batchId = batch?.id;
      if (!file || batchId === undefined) return;
      recorder.record(
        hasher
          .hash(file.id, file.source)
          .then((inputHash) =>
            inputHash ? { type: 'phi-viewed', batchId, inputHash, view } : null,
          ),
      );
    });

    boot?.retention.listen((report) => {
      const deleted = report.batches + report.results + report.pseudonymTables + report.keys;
      if (deleted + report.auditEntries === 0) return;
      set({ lastRetention: { at: deps.now(), report } });
      if (report.batches > 0 && data && get().resumeOffer) {
        void resumableBatch(data).then((offer) => {
          saved = offer;
          set({ resumeOffer: showResume(offer) });
        });
      }
    });

    return {
      auditTrail: trail.kind,
      storageProblem: deps.local?.kind === 'unavailable' ? deps.local.problem.message : null,
      noAuditAcknowledged: false,
      auditSettings: boot?.settings ?? DEFAULT_SETTINGS,
      operatorPromptDismissed: false,
      batchId: null,
      signOff: null,
      resumeOffer: showResume(saved),
      resuming: null,
      auditNotice: null,
      auditVerdict: null,
      lastRetention: null,

      setOperator: (name) => saveSettings({ operator: name }),
      dismissOperatorPrompt: () => set({ operatorPromptDismissed: true }),
      changeSettings: saveSettings,
      acknowledgeNoAudit: () => {
        if (get().noAuditAcknowledged || get().storageProblem === null) return;
        set({ noAuditAcknowledged: true });
        recorder.record({ type: 'no-audit-acknowledged' });
      },

      signOffReview: async () => {
        const { lastRun, results, run, files } = get();
        if (!lastRun || (run.status !== 'done' && run.status !== 'cancelled')) return;
        const outcomes: BatchFileOutcome[] = [];
        let residualFiles = 0;
        for (const id of lastRun.fileIds) {
          const result = results.get(id);
          const file = files.get(id);
          if (!result) continue;
          if (result.ok && result.residual.length > 0) residualFiles += 1;
          if (result.ok) {
            outcomes.push({ inputHash: result.inputSha256, outputHash: result.outputSha256 });
            continue;
          }
          const inputHash =
            result.inputSha256 ?? (file ? await hasher.hash(file.id, file.source) : null);
          if (inputHash) outcomes.push({ inputHash });
        }
        const hash = batchHash(profileHash(lastRun.profile), outcomes);
        const b = ensureBatch();
        recorder.record({
          type: 'review-signed-off',
          batchId: b.id,
          batchHash: hash,
          fileCount: outcomes.length,
          residualFiles,
        });
        set({ signOff: { run: lastRun, batchHash: hash, fileCount: outcomes.length } });
      },

      purgeWorkingData: async (options = {}) => {
        if (!data) return;
        try {
          const report = await afterRecorded(() =>
            purgeWorkingData(data, { keys: options.keys === true }),
          );
          saved = undefined;
          set({ resumeOffer: null, lastRetention: { at: deps.now(), report } });
          // The key in use was stored; without it the next run makes a new one.
          if (options.keys) set({ key: null, keyCreated: null });
        } catch (error) {
          fail(error, 'Working data could not be deleted');
        }
      },

      queryAudit: (query) => afterRecorded(() => trail.query(query)),
      auditOperators: () => afterRecorded(() => trail.operators()),
      verifyAudit: async () => {
        try {
          const verdict = await afterRecorded(() => trail.verify());
          set({
            auditVerdict: {
              ok: verdict.ok,
              text: describeVerdict(verdict),
              count: verdict.count,
              ...(verdict.ok ? {} : { firstBad: verdict.firstBad }),
              checkedAt: deps.now(),
            },
          });
        } catch (error) {
          fail(error, 'The log could not be read');
        }
      },
      exportAudit: async (format) => {
        try {
          const text = await afterRecorded(() =>
            format === 'json' ? trail.exportJson() : trail.exportCsv(),
          );
          // The export is itself an entry, which the last verdict did not cover.
          set({ auditVerdict: null });
          const day = new Date(deps.now()).toISOString().slice(0, 10);
          deps.download(
            `veil-audit-${day}.${format}`,
            new Blob([text], { type: format === 'json' ? 'application/json' : 'text/csv' }),
          );
        } catch (error) {
          fail(error, 'The log could not be exported');
        }
      },

      resumeBatch: () => {
        const offer = saved;
        if (!offer || get().files.size > 0) return;
        const expected = new Map(offer.batch.files.map((f) => [f.inputHash, f.size]));
        batch = {
          id: offer.batch.id,
          files: new Map(expected),
          profile: offer.batch.profile ?? null,
          expected,
          seen: new Set(),
        };
        saved = undefined;
        set({
          batchId: batch.id,
          resumeOffer: null,
          resuming: { batchId: batch.id, expected: expected.size, found: 0, extra: 0 },
        });
        if (offer.batch.profile) {
          get().setProfile(offer.batch.profile);
          get().auditProfileChosen(offer.batch.profile);
        }
      },
      discardResume: async () => {
        const offer = saved;
        saved = undefined;
        set({ resumeOffer: null });
        if (!offer || !data) return;
        try {
          await afterRecorded(() => deleteBatch(data, offer.batch.id));
        } catch (error) {
          fail(error, 'The saved batch could not be deleted');
        }
      },
      dismissAuditNotice: () => set({ auditNotice: null }),
      flushAudit: () => recorder.flush(),

      auditImport: (ids) => {
        const files: ImportedFile[] = [];
        const state = get();
        for (const id of ids) {
          const file = state.files.get(id);
          if (file?.status !== 'dicom' || logged.has(id)) continue;
          logged.add(id);
          files.push(file);
        }
        if (files.length === 0) return;
        const b = ensureBatch();
        // Another batch is being opened: the earlier one is no longer offered.
        if (saved && !b.expected) {
          saved = undefined;
          set({ resumeOffer: null });
        }
        const hashing = Promise.all(files.map((f) => hasher.hash(f.id, f.source)));
        recorder.record(
          hashing.then((hashes): AuditEvent | null => {
            const inputHashes: string[] = [];
            let bytes = 0;
            files.forEach((file, i) => {
              const hash = hashes[i];
              if (!hash) return;
              inputHashes.push(hash);
              bytes += file.size;
              b.files.set(hash, file.size);
              b.seen.add(hash);
            });
            persistBatch(b);
            updateResuming(b);
            if (inputHashes.length === 0) return null;
            return {
              type: 'files-imported',
              batchId: b.id,
              count: inputHashes.length,
              bytes,
              inputHashes,
            };
          }),
        );
      },

      auditRun: (record) => {
        const b = ensureBatch();
        noteProfile(record.profile, false);
        b.profile = record.profile;
        persistBatch(b);
        return {
          file: (file, result) => {
            if (result.ok) {
              hasher.offer(file.id, result.inputSha256);
              const warnings = warningCodes(result.warnings);
              recorder.record({
                type: 'file-deidentified',
                batchId: b.id,
                inputHash: result.inputSha256,
                outputHash: result.outputSha256,
                counts: { ...result.counts },
                warnings,
              });
              saveResultsSoon({
                batchId: b.id,
                inputHash: result.inputSha256,
                status: 'done',
                outputHash: result.outputSha256,
                counts: result.counts,
                warnings,
                identity: result.identity,
              });
              return;
            }
            const errorCode = result.error.code;
            if (result.inputSha256 !== undefined) hasher.offer(file.id, result.inputSha256);
            const hash =
              result.inputSha256 !== undefined
                ? Promise.resolve(result.inputSha256)
                : hasher.hash(file.id, file.source);
            // A file that cannot be read at all has no hash to name it by: nothing is logged.
            recorder.record(
              hash.then((inputHash) => {
                if (!inputHash) return null;
                saveResultsSoon({ batchId: b.id, inputHash, status: 'failed', errorCode });
                return { type: 'file-failed', batchId: b.id, inputHash, errorCode };
              }),
            );
          },
        };
      },

      auditKey: (kind, fingerprint) =>
        recorder.record(
          kind === 'generated'
            ? { type: 'key-generated', fingerprint }
            : kind === 'imported'
              ? { type: 'key-imported', fingerprint }
              : { type: 'key-exported', fingerprint },
        ),
      auditProfileChosen: (profile) => noteProfile(profile, true),
      rememberPseudonymTable: (csv) => {
        if (!data) return;
        savePseudonymTable(data, csv).catch((error: unknown) =>
          fail(error, 'The pseudonym table could not be kept'),
        );
      },

      auditForExport: async () => {
        const b = ensureBatch();
        await recorder.flush();
        let json: string | null = null;
        try {
          json = serializeAuditExport(await trail.segmentForBatch(b.id));
        } catch (error) {
          fail(error, 'The audit entries of this batch could not be added to the export');
        }
        return {
          json,
          report: {
            file: json === null ? null : AUDIT_JSON,
            logId: trail.logId,
            stored: trail.kind === 'stored',
            withoutStoredTrailAcknowledged: get().noAuditAcknowledged,
          },
        };
      },
      auditArchive: (stream) => archiveHasher.tap(stream),
      auditArchiveBlob: (blob) => archiveHasher.hashBlob(blob),
      auditExported: (archive) => {
        const b = ensureBatch();
        recorder.record({ type: 'exported', batchId: b.id, ...archive });
        if (data) {
          void recorder
            .flush()
            .then(() => markBatchExported(data, b.id))
            .catch((error: unknown) => fail(error, 'The batch could not be marked as exported'));
        }
      },
      endBatch: () => {
        batch = null;
        logged.clear();
        hasher.clear();
        lastView = null;
        set({ batchId: null, signOff: null, resuming: null });
      },
    };
  };
