import type { Change } from '../../core/deid/types';
import { inspectElements, type InspectNode } from '../../core/dicom/inspect';
import { toVeilError } from '../../core/errors';
import { readSource } from '../../worker/source';
import type { Slice } from '../state';
import type { FileId, FileSuccess, TreeSelection } from '../types';

export type CentreTab = 'preview' | 'tags' | 'diff' | 'summary';

/**
 * The selected instance, read in full: its bytes as a Blob for the preview, its elements for the
 * tag view; once it has a result, the de-identified side, made again in a worker (the run keeps no
 * values): the output, its elements and every change with its values for the diff.
 */
export interface Inspection {
  readonly fileId: FileId | null;
  readonly status: 'idle' | 'loading' | 'ready' | 'error';
  readonly original?: Blob;
  readonly tags?: readonly InspectNode[];
  /** The de-identified file, for the preview's before/after toggle. */
  readonly output?: Blob;
  /** The de-identified file's elements. */
  readonly outputTags?: readonly InspectNode[];
  /** What happened to each element, with its values before and after and the rule that fired. */
  readonly changes?: readonly Change[];
  /** The result the de-identified side belongs to (to know when it is stale). */
  readonly outputOf?: FileSuccess;
  /** Why the de-identified side cannot be shown. */
  readonly outputError?: string;
  readonly error?: string;
}

export interface SelectionSlice {
  readonly selection: TreeSelection | null;
  readonly tab: CentreTab;
  readonly inspection: Inspection;
  select(selection: TreeSelection | null): void;
  setTab(tab: CentreTab): void;
  /** Opens one instance (selects it and shows it on `tab`). */
  openInstance(id: FileId, tab?: CentreTab): void;
  /** Makes the de-identified side again after a run produced it. */
  refreshInspection(): Promise<void>;
}

const IDLE: Inspection = { fileId: null, status: 'idle' };

export const createSelectionSlice: Slice<SelectionSlice> = (set, get) => {
  let generation = 0;

  const inspect = async (id: FileId): Promise<void> => {
    const mine = ++generation;
    const file = get().files.get(id);
    if (!file) {
      set({ inspection: IDLE });
      return;
    }
    set({ inspection: { fileId: id, status: 'loading' } });
    try {
      const bytes = await readSource(file.source);
      if (mine !== generation) return;
      // A File is already a Blob; an inflated zip entry becomes one.
      const original =
        file.source.kind === 'blob'
          ? file.source.blob
          : new Blob([bytes as Uint8Array<ArrayBuffer>]);
      const tags = inspectElements(bytes, file.path);
      set({ inspection: { fileId: id, status: 'ready', original, tags } });
      await get().refreshInspection();
    } catch (error) {
      if (mine !== generation) return;
      set({
        inspection: { fileId: id, status: 'error', error: toVeilError(error).message },
      });
    }
  };

  return {
    selection: null,
    tab: 'preview',
    inspection: IDLE,
    select: (selection) => {
      set({ selection });
      if (selection?.kind === 'instance') void inspect(selection.key);
      else if (get().inspection.fileId !== null) {
        generation++;
        set({ inspection: IDLE });
      }
    },
    setTab: (tab) => set({ tab }),
    openInstance: (id, tab) => {
      if (tab) set({ tab });
      get().select({ kind: 'instance', key: id });
    },
    refreshInspection: async () => {
      const { inspection, results } = get();
      if (inspection.status !== 'ready' || inspection.fileId === null) return;
      const found = results.get(inspection.fileId);
      const result = found?.ok ? found : undefined;
      if (result === inspection.outputOf) return;
      const cleared = {
        ...inspection,
        output: undefined,
        outputTags: undefined,
        changes: undefined,
        outputError: undefined,
        outputOf: result,
      };
      set({ inspection: cleared });
      if (!result) return;
      const mine = generation;
      const stale = () => mine !== generation || get().inspection.outputOf !== result;
      try {
        const outcome = await get().inspectFile(inspection.fileId);
        if (stale()) return;
        if (!outcome?.ok) {
          const why = outcome ? `${outcome.error.message} [${outcome.error.code}]` : 'no result';
          set({ inspection: { ...get().inspection, outputError: why } });
          return;
        }
        // Same key, rules and bytes give the same output: a different one means the file changed.
        if (outcome.outputSha256 !== result.outputSha256) {
          set({
            inspection: {
              ...get().inspection,
              outputError:
                'the file changed on disk since it was de-identified: run De-identify again to compare',
            },
          });
          return;
        }
        const bytes = new Uint8Array(await outcome.output.arrayBuffer());
        if (stale()) return;
        set({
          inspection: {
            ...get().inspection,
            output: outcome.output,
            outputTags: inspectElements(bytes, 'de-identified'),
            changes: outcome.changes,
          },
        });
      } catch (error) {
        if (stale()) return;
        set({ inspection: { ...get().inspection, outputError: toVeilError(error).message } });
      }
    },
  };
};
