import { canonicalJson } from '../deid/profile';
import { sha256Hex } from './chain';

export interface BatchFileOutcome {
  readonly inputHash: string;
  /** Absent for a file that failed (nothing was written for it). */
  readonly outputHash?: string;
}

/**
 * The identity of a reviewed batch, for the sign-off entry: SHA-256 of the canonical JSON of the
 * profile hash and every (input, output) hash pair, sorted by input. The same inputs, rules and
 * outputs give the same hash whatever order the files were processed in; any other output (and so
 * any other diff) gives another.
 */
export function batchHash(profileHash: string, files: readonly BatchFileOutcome[]): string {
  const pairs = files
    .map((f) => ({ input: f.inputHash, output: f.outputHash ?? null }))
    .sort((a, b) => (a.input < b.input ? -1 : a.input > b.input ? 1 : 0));
  return sha256Hex(canonicalJson({ profileHash, files: pairs }));
}
