import type { ResidualHit } from './residual';
import type { VeilErrorData } from '../errors';
import type { OptionName } from './options';

/** What happened to one element, as the diff view shows it. */
export const CHANGE_KINDS = [
  'removed',
  'emptied',
  'replaced',
  'uid-remapped',
  'date-shifted',
  'cleaned',
  'kept',
  'added',
] as const;

export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** Zero for every kind: the start of a count. */
export function emptyChangeCounts(): Record<ChangeKind, number> {
  return Object.fromEntries(CHANGE_KINDS.map((kind) => [kind, 0])) as Record<ChangeKind, number>;
}

export interface Change {
  /** `(0040,0275)[0]/(0040,0009)`: the tag path through sequences and item indexes. */
  readonly path: string;
  /** `(gggg,eeee)` of the element itself. */
  readonly tag: string;
  /** Dictionary keyword, the private creator as `creator:xxEE` for private data, or '' when unknown. */
  readonly keyword: string;
  readonly vr: string;
  readonly kind: ChangeKind;
  /** Display text of the value before and after (undefined when absent or binary). */
  readonly before?: string;
  readonly after?: string;
  /** Which rule fired: `E.1-1 basic X`, `E.1-1 RetainLongModifDates C`, `custom rule 3`, `private policy`… */
  readonly rule: string;
}

export interface DeidWarning {
  readonly code: string;
  readonly message: string;
  readonly path?: string;
}

/** Counts of changes by kind (for reports and the audit trail, never values). */
export type ChangeCounts = Readonly<Record<ChangeKind, number>>;

export interface DeidSuccess {
  readonly ok: true;
  readonly fileName: string;
  /**
   * The output in order, as parts: new headers and values, and views of the input for everything
   * copied (pixel data above all). Write or hash them in turn; the views share the input's memory,
   * so use them before the input buffer is reused.
   */
  readonly parts: readonly Uint8Array[];
  /** Total length of `parts`. */
  readonly size: number;
  /** The output as one array, joined on first use (a copy of every byte: prefer `parts`). */
  readonly bytes: Uint8Array;
  readonly changes: readonly Change[];
  readonly counts: ChangeCounts;
  readonly warnings: readonly DeidWarning[];
  /**
   * Places where an identifying value of the original (name parts, IDs, birth date, institution,
   * physicians…) survives in a text value of the output. Empty for a clean file. Holds no values.
   */
  readonly residual: readonly ResidualHit[];
  /** The de-identified object's identity, for building an export layout without PHI. */
  readonly identity: {
    readonly patientPseudonym: string;
    readonly studyInstanceUid: string;
    readonly seriesInstanceUid: string;
    readonly sopInstanceUid: string;
    readonly modality: string;
    readonly instanceNumber: string;
  };
}

export interface DeidFailure {
  readonly ok: false;
  readonly fileName: string;
  readonly error: VeilErrorData;
}

export type DeidResult = DeidSuccess | DeidFailure;

/** How dates are handled when the Retain Longitudinal Modified Dates option is on. */
export type DateShift =
  | { readonly kind: 'keyed'; readonly maxDays: number }
  | { readonly kind: 'fixed'; readonly days: number };

export type PseudonymSource =
  { readonly kind: 'keyed'; readonly prefix: string } | { readonly kind: 'table' };

/** A per-tag action a person adds over the profile. */
export type CustomAction = 'keep' | 'remove' | 'empty' | 'replace' | 'hash' | 'shift';

export interface CustomRule {
  /** `(0010,0010)`, a keyword like `PatientName`, or a private element `(0019,xx0C)` with `creator`. */
  readonly tag: string;
  readonly creator?: string;
  readonly action: CustomAction;
  /** For `replace`. */
  readonly value?: string;
  /** For `shift`: days added to DA/DT values (negative allowed). */
  readonly days?: number;
  readonly note?: string;
}

/** A de-identification profile as shared between sites: versioned JSON, validated on load. */
export interface Profile {
  readonly format: 'veil-profile';
  readonly version: 1;
  readonly name: string;
  readonly options: readonly OptionName[];
  readonly dateShift: DateShift;
  readonly pseudonyms: PseudonymSource;
  readonly rules: readonly CustomRule[];
}
