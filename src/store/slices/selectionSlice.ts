import { inspectElements, type InspectNode } from '../../core/dicom/inspect';
import { toVeilError } from '../../core/errors';
import { readSource } from '../../worker/source';
import type { Slice } from '../state';
import type { FileId, TreeSelection } from '../types';

export type CentreTab = 'preview' | 'tags' | 'diff' | 'summary';

/** The selected instance, read in full: its bytes as a Blob for the preview, its elements for the tag view. */
export interface Inspection {
  readonly fileId: FileId | null;
  readonly status: 'idle' | 'loading' | 'ready' | 'error';
  readonly original?: Blob;
  readonly tags?: readonly InspectNode[];
  /** The de-identified file's elements, once it has a result. */
  readonly outputTags?: readonly InspectNode[];
  /** The output Blob outputTags were read from (to know when they are stale). */
  readonly outputOf?: Blob;
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
  /** Re-reads the de-identified side after a run produced it. */
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
      const result = results.get(inspection.fileId);
      const output = result?.ok ? result.output : undefined;
      if (output === inspection.outputOf) return;
      if (!output) {
        set({ inspection: { ...inspection, outputTags: undefined, outputOf: undefined } });
        return;
      }
      const mine = generation;
      const bytes = new Uint8Array(await output.arrayBuffer());
      if (mine !== generation) return;
      set({
        inspection: {
          ...get().inspection,
          outputTags: inspectElements(bytes, 'de-identified'),
          outputOf: output,
        },
      });
    },
  };
};
