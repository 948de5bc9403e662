import type { ChangeKind } from '../../core/deid/types';

export interface ChangeKindStyle {
  readonly label: string;
  /** A shape that tells the kinds apart without colour. */
  readonly symbol: string;
  readonly description: string;
}

/** Every kind in the order the legend and the summary columns show them. */
export const CHANGE_KINDS: readonly ChangeKind[] = [
  'removed',
  'emptied',
  'replaced',
  'uid-remapped',
  'date-shifted',
  'cleaned',
  'added',
  'kept',
];

export const CHANGE_KIND_STYLE: Readonly<Record<ChangeKind, ChangeKindStyle>> = {
  removed: { label: 'Removed', symbol: '✕', description: 'the element was deleted' },
  emptied: { label: 'Emptied', symbol: '○', description: 'kept with an empty value' },
  replaced: { label: 'Replaced', symbol: '⇄', description: 'a dummy or pseudonym value' },
  'uid-remapped': { label: 'UID remapped', symbol: '#', description: 'a new keyed UID' },
  'date-shifted': { label: 'Date shifted', symbol: '↦', description: 'moved by the date offset' },
  cleaned: { label: 'Cleaned', symbol: '✎', description: 'identifying text taken out' },
  added: { label: 'Added', symbol: '+', description: 'written by de-identification' },
  kept: { label: 'Kept', symbol: '=', description: 'unchanged' },
};

export const changeKindClass = (kind: ChangeKind): string => `veil-kind veil-kind--${kind}`;
