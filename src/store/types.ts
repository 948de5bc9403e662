import type { ChangeKind } from '../core/deid/types';
import type { InstanceSummary } from '../core/dicom/parseHeader';
import type { JobError, JobSuccess, SourceRef } from '../worker/protocol';

/** Files are numbered in the order they were found; the number also names a left-out file in reports. */
export type FileId = number;

export interface ImportedFile {
  readonly id: FileId;
  /** As picked: folder/…/file, or archive.zip/…/entry. PHI may hide in it: shown on the page only. */
  readonly path: string;
  readonly size: number;
  readonly source: SourceRef;
  readonly status: 'reading' | 'dicom' | 'skipped';
  readonly summary?: InstanceSummary;
  /** Why a file is not DICOM or cannot be used (never quotes its content). */
  readonly skipReason?: string;
}

/** What remains a risk in a de-identified file, for the privacy officer's review. */
export interface ResidualRisk {
  readonly kind: 'identifying-values' | 'burned-in-text' | 'free-text-kept' | 'private-kept';
  readonly message: string;
  /** Tag paths concerned, when the risk is in the header. */
  readonly paths: readonly string[];
}

/** A worker's success, plus the residual risks the review found in its changes. */
export interface FileSuccess extends JobSuccess {
  readonly risks: readonly ResidualRisk[];
}

export interface FileFailure {
  readonly ok: false;
  readonly error: JobError;
  readonly inputBytes?: number;
  readonly inputSha256?: string;
}

export type FileResult = FileSuccess | FileFailure;

export interface SeriesNode {
  readonly key: string;
  readonly uid: string;
  readonly number: number | undefined;
  readonly modality: string;
  readonly description: string;
  /** In instance-number order. */
  readonly instances: readonly FileId[];
  readonly burnedInRisk: boolean;
}

export interface StudyNode {
  readonly key: string;
  readonly uid: string;
  readonly date: string;
  readonly time: string;
  readonly description: string;
  readonly studyId: string;
  readonly accessionNumber: string;
  readonly modalities: readonly string[];
  readonly series: readonly SeriesNode[];
  readonly instanceCount: number;
}

export interface PatientNode {
  readonly key: string;
  readonly name: string;
  readonly patientId: string;
  readonly birthDate: string;
  readonly sex: string;
  readonly studies: readonly StudyNode[];
  readonly instanceCount: number;
}

export type TreeSelection =
  | { readonly kind: 'patient' | 'study' | 'series'; readonly key: string }
  | { readonly kind: 'instance'; readonly key: FileId };

/** One tag across the batch: in how many files each thing happened to it, and which files. */
export interface TagSummary {
  /** The tag path with item numbers dropped: `(0040,0275)/(0040,0009)`. */
  readonly path: string;
  readonly keyword: string;
  readonly vr: string;
  /** Files per kind (a file counts once per kind however many items held the tag). */
  readonly files: Readonly<Partial<Record<ChangeKind, readonly FileId[]>>>;
  readonly rules: readonly string[];
}

export interface BatchReview {
  readonly tags: readonly TagSummary[];
  readonly risks: Readonly<Record<ResidualRisk['kind'], readonly FileId[]>>;
}
