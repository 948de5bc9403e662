import type { StateCreator } from 'zustand/vanilla';
import type { AuditSlice } from './slices/auditSlice';
import type { ExportSlice } from './slices/exportSlice';
import type { ImportSlice } from './slices/importSlice';
import type { KeySlice } from './slices/keySlice';
import type { ProfileSlice } from './slices/profileSlice';
import type { RunSlice } from './slices/runSlice';
import type { SelectionSlice } from './slices/selectionSlice';

/** The whole state: one store built from slices, each with its actions beside its data. */
export type VeilState = ImportSlice &
  SelectionSlice &
  ProfileSlice &
  KeySlice &
  RunSlice &
  ExportSlice &
  AuditSlice;

export type Slice<T> = StateCreator<VeilState, [], [], T>;

/** A short message for a person, shown next to the control that caused it. */
export interface Notice {
  readonly kind: 'error' | 'info';
  readonly text: string;
}
