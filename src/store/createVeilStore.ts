import { createStore, type StoreApi } from 'zustand/vanilla';
import { toVeilError } from '../core/errors';
import { localPorts } from './audit/ports';
import type { StoreDeps } from './deps';
import { createAuditSlice } from './slices/auditSlice';
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
  return createStore<VeilState>()((...a) => {
    const [set] = a;
    const ports = localPorts(deps, (error) =>
      set({
        auditNotice: {
          kind: 'error',
          text: `Veil could not save to this browser's storage: ${toVeilError(error).message}`,
        },
      }),
    );
    return {
      ...createImportSlice(deps)(...a),
      ...createSelectionSlice(...a),
      ...createProfileSlice(deps, ports)(...a),
      ...createKeySlice(deps, ports.keys)(...a),
      ...createRunSlice(deps)(...a),
      ...createExportSlice(deps)(...a),
      ...createAuditSlice(deps)(...a),
    };
  });
}
