import { deidentify } from '../core/deid/deidentify';
import type { BatchSetup, JobOutcome, SourceRef } from './protocol';
import { readSource, SourceReadError } from './source';

/**
 * One file, start to finish: read, hash, de-identify (with every change listed, for the diff view),
 * hash the output. Runs in a worker, or on the page when there are no workers. Never throws.
 */
export async function processJob(
  setup: BatchSetup,
  fileName: string,
  source: SourceRef,
  signal?: AbortSignal,
): Promise<JobOutcome> {
  let input: Uint8Array;
  try {
    input = await readSource(source);
  } catch (error) {
    const message = error instanceof SourceReadError ? error.message : 'the file cannot be read';
    return { ok: false, error: { code: 'READ_FAILED', message } };
  }
  if (signal?.aborted) return ABORTED;
  const inputSha256 = await sha256Hex(input);
  const result = deidentify(input, setup.plan, {
    fileName,
    key: setup.key,
    detail: 'full',
    ...(setup.pseudonymTable ? { pseudonymTable: setup.pseudonymTable } : {}),
    ...(signal ? { signal } : {}),
  });
  if (!result.ok) {
    const { code, message, offset } = result.error;
    return {
      ok: false,
      error: { code, message, ...(offset !== undefined ? { offset } : {}) },
      inputBytes: input.length,
      inputSha256,
    };
  }
  return {
    ok: true,
    output: new Blob([result.bytes as Uint8Array<ArrayBuffer>], { type: 'application/dicom' }),
    outputBytes: result.bytes.length,
    inputBytes: input.length,
    inputSha256,
    outputSha256: await sha256Hex(result.bytes),
    changes: result.changes,
    counts: result.counts,
    warnings: result.warnings,
    identity: result.identity,
  };
}

const ABORTED: JobOutcome = { ok: false, error: { code: 'ABORTED', message: 'cancelled' } };

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>),
  );
  let hex = '';
  for (const byte of digest) hex += HEX[byte]!;
  return hex;
}
