export { createVeilStore, type VeilStore } from './createVeilStore';
export type { KeyValueStorage, StoreDeps } from './deps';
export { VeilStoreProvider, useVeil, useVeilShallow } from './react';
export { dateHandlingOf, presetOf, type DateHandling } from './slices/profileSlice';
export type { CentreTab, Inspection } from './slices/selectionSlice';
export type { RunProgress } from './slices/runSlice';
export type { ExportProgress } from './slices/exportSlice';
export type { Notice, VeilState } from './state';
export * from './types';
