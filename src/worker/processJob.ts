import { deidentify } from '../core/deid/deidentify';
import type { DeidSuccess } from '../core/deid/types';
import { crc32 } from './crc32';
import type { BatchSetup, InspectOutcome, JobFailure, JobOutcome, SourceRef } from './protocol';
import { digestChanges } from './reviewDigest';
import { readSource, SourceReadError } from './source';
import { blobSink, type OutputSink } from './workFile';

export interface JobOptions {
  readonly signal?: AbortSignal;
  /** Where the output is kept; a Blob by default. */
  readonly sink?: OutputSink;
}

/**
 * One file of a batch, start to finish: read, hash, de-identify, checksum and hash the output,
 * keep it (`sink`), and digest the changes for the batch review. Runs in a worker, or on the page
 * when there are no workers. Never throws.
 */
export async function processJob(
  setup: BatchSetup,
  fileName: string,
  source: SourceRef,
  options: JobOptions = {},
): Promise<JobOutcome> {
  const done = await deidentifySource(setup, fileName, source, options.signal);
  if (!done.ok) return done;
  const { result, input } = done;
  // The input's digest holds a copy of the input until it is done, and the output's will hold
  // another: one at a time keeps a 100 MB file's peak at three copies of it, not four.
  const inputSha256 = await done.inputSha256;
  // From the join to the sink's write nothing yields: another job of this worker cannot reuse
  // the scratch array meanwhile. The digest copies its input before it returns.
  const bytes = joinInScratch(result.parts, result.size);
  const outputSha256 = sha256Hex(bytes);
  const outputCrc32 = crc32(bytes);
  const output = (options.sink ?? blobSink).write(bytes);
  releaseLargeScratch();
  return {
    ok: true,
    output: await output,
    outputBytes: result.size,
    inputBytes: input.length,
    inputSha256,
    outputSha256: await outputSha256,
    outputCrc32,
    counts: result.counts,
    warnings: result.warnings,
    identity: result.identity,
    review: digestChanges(result.changes),
    residual: result.residual,
  };
}

/**
 * The same file again, for the person reviewing it: every change with its values, and the output
 * as a Blob. Never throws.
 */
export async function inspectJob(
  setup: BatchSetup,
  fileName: string,
  source: SourceRef,
  signal?: AbortSignal,
): Promise<InspectOutcome> {
  const done = await deidentifySource(setup, fileName, source, signal);
  if (!done.ok) return done;
  const { result } = done;
  const bytes = result.bytes;
  return {
    ok: true,
    output: new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/dicom' }),
    outputSha256: await sha256Hex(bytes),
    changes: result.changes,
    warnings: result.warnings,
  };
}

type Deidentified =
  | {
      readonly ok: true;
      readonly result: DeidSuccess;
      readonly input: Uint8Array;
      readonly inputSha256: Promise<string>;
    }
  | JobFailure;

async function deidentifySource(
  setup: BatchSetup,
  fileName: string,
  source: SourceRef,
  signal: AbortSignal | undefined,
): Promise<Deidentified> {
  let input: Uint8Array;
  try {
    input = await readSource(source);
  } catch (error) {
    const message = error instanceof SourceReadError ? error.message : 'the file cannot be read';
    return { ok: false, error: { code: 'READ_FAILED', message } };
  }
  if (signal?.aborted) return ABORTED;
  // The digest copies the input before it returns, and runs beside deidentify() in browsers.
  const inputSha256 = sha256Hex(input);
  const result = deidentify(input, setup.plan, {
    fileName,
    key: setup.key,
    // 'full' costs ~5% more than 'counts' in the engine; the review digest and the diff need it.
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
      inputSha256: await inputSha256,
    };
  }
  return { ok: true, result, input, inputSha256 };
}

const ABORTED: JobFailure = { ok: false, error: { code: 'ABORTED', message: 'cancelled' } };

/**
 * The output's parts joined in one array reused from file to file (the digest needs contiguous
 * bytes): a fresh 0.5 MB array per CT slice, zeroed and then collected, cost a worker more time in
 * garbage collection than the join itself. Valid until the next call, which cannot come before
 * the caller is done with it: everything between the join and the write below is synchronous,
 * and the sink copies the bytes (to disk or into a Blob) before it returns.
 */
let scratch = new Uint8Array(0);
/** Larger than this, the scratch array is let go after use: one multi-frame file must not pin it. */
const KEEP_SCRATCH = 16 * 1024 * 1024;
function joinInScratch(parts: readonly Uint8Array[], size: number): Uint8Array {
  if (scratch.length < size) {
    scratch = new Uint8Array(size <= KEEP_SCRATCH ? Math.max(size, scratch.length * 2) : size);
  }
  let at = 0;
  for (const part of parts) {
    scratch.set(part, at);
    at += part.length;
  }
  return scratch.subarray(0, size);
}
function releaseLargeScratch(): void {
  if (scratch.length > KEEP_SCRATCH) scratch = new Uint8Array(0);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>),
  );
  let hex = '';
  for (const byte of digest) hex += HEX[byte]!;
  return hex;
}
