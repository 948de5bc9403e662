import { createStore, type StoreApi } from 'zustand/vanilla';
import type { StoreDeps } from './deps';
import { createExportSlice } from './slices/exportSlice';
import { createImportSlice } from './slices/importSlice';
import { createKeySlice } from './slices/keySlice';
import { createProfileSlice } from './slices/profileSlice';
import { createRunSlice } from './slices/runSlice';
import { createSelectionSlice } from './slices/selectionSlice';
import type { VeilState } from './state';

export type VeilStore = StoreApi<VeilState>;

/**
 * The one store, vanilla (usable without React: the pool's callbacks and tests drive it directly).
 * Everything it touches outside itself comes in through `deps`.
 */
export function createVeilStore(deps: StoreDeps): VeilStore {
  return createStore<VeilState>()((...a) => ({
    ...createImportSlice(deps)(...a),
    ...createSelectionSlice(...a),
    ...createProfileSlice(deps)(...a),
    ...createKeySlice(deps)(...a),
    ...createRunSlice(deps)(...a),
    ...createExportSlice(deps)(...a),
  }));
}
