import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS_DIR, MANIFEST, type CorpusEntry, type Outcome } from './generate';

/** The committed corpus as the tests read it: the manifest, and each file's bytes on demand. */

export interface Manifest {
  readonly format: 'veil-hostile-corpus';
  readonly version: 1;
  readonly seed: number;
  readonly entries: readonly CorpusEntry[];
}

export const readManifest = (): Manifest =>
  JSON.parse(readFileSync(join(CORPUS_DIR, MANIFEST), 'utf8')) as Manifest;

export const corpusPath = (file: string): string => join(CORPUS_DIR, file);

export function readCorpusFile(file: string): Uint8Array {
  const buffer = readFileSync(corpusPath(file));
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** An actual result in the manifest's terms: 'ok', 'skipped' (NOT_DICOM) or the error code. */
export const outcomeOf = (code: string | undefined): string =>
  code === undefined ? 'ok' : code === 'NOT_DICOM' ? 'skipped' : code;

/** Whether an actual outcome is the one the manifest expects. */
export function meets(actual: string, expected: Outcome): boolean {
  if (expected === 'closed') return true;
  if (expected === 'error') return actual !== 'ok' && actual !== 'skipped';
  return actual === expected;
}

/** Every VeilErrorCode, read from the union in src/core/errors.ts (types do not exist at run time). */
export function veilErrorCodes(): ReadonlySet<string> {
  const source = readFileSync(new URL('../../src/core/errors.ts', import.meta.url), 'utf8');
  const union = /export type VeilErrorCode =([^;]+);/.exec(source)?.[1] ?? '';
  const codes = [...union.matchAll(/'([A-Z_]+)'/g)].map((m) => m[1]!);
  if (codes.length < 5) throw new Error('veilErrorCodes: the VeilErrorCode union was not found');
  return new Set(codes);
}

/** The values in `phi` that `text` contains, compared case-insensitively. */
export const quotedPhi = (text: string, phi: readonly string[]): string[] =>
  phi.filter((value) => text.toLowerCase().includes(value.toLowerCase()));
