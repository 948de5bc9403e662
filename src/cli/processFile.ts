import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deidentify } from '../core/deid/deidentify';
import type { Plan } from '../core/deid/plan';
import type { ProjectKey } from '../core/deid/projectKey';
import type { PseudonymTable } from '../core/deid/pseudonymTable';
import { toVeilError } from '../core/errors';
import { describeFsError } from './keyFile';
import type { FileOutcome } from './protocol';
import { ReusableReader } from './reusableReader';
import { splitRelative } from './walk';
import { coalesceParts, writePartsSync } from './writeParts';

export interface FileEnv {
  readonly inputRoot: string;
  readonly outputRoot: string;
  readonly plan: Plan;
  readonly key: ProjectKey;
  readonly pseudonymTable?: PseudonymTable | undefined;
  /** Write files with residual-PHI hits (recorded as warnings) instead of failing them. */
  readonly acceptResidual?: boolean;
}

/** Suffix of the file an output is written to before it is renamed into place. */
export const PARTIAL_SUFFIX = '.veil-partial';

export const outputPathOf = (outputRoot: string, relativePath: string): string =>
  join(outputRoot, ...splitRelative(relativePath));

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

function sha256Parts(parts: readonly Uint8Array[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}

/**
 * Reads one file, de-identifies it and writes the result under the same relative path. Fail
 * closed: the output appears (by rename) only once it is complete, and never for a failed file.
 * Synchronous on purpose: a worker handles one file at a time, so async I/O would buy nothing.
 */
const reader = new ReusableReader();

export function processFile(relativePath: string, env: FileEnv): FileOutcome {
  let input: Uint8Array;
  try {
    input = reader.read(join(env.inputRoot, ...splitRelative(relativePath)));
  } catch (error) {
    return {
      status: 'failed',
      relativePath,
      error: { code: 'READ_FAILED', message: `cannot read the file: ${describeFsError(error)}` },
    };
  }
  const inputBytes = input.byteLength;
  const inputSha256 = sha256(input);
  const context = {
    fileName: relativePath,
    key: env.key,
    // The CLI never shows a diff: counting the changes is enough and saves most of the walk's work.
    detail: 'counts' as const,
    ...(env.pseudonymTable ? { pseudonymTable: env.pseudonymTable } : {}),
  };
  let result: ReturnType<typeof deidentify>;
  try {
    result = deidentify(input, env.plan, context);
  } catch (error) {
    // deidentify promises not to throw; if it does, the file still fails closed.
    const { code, message } = toVeilError(error, relativePath);
    return { status: 'failed', relativePath, inputBytes, inputSha256, error: { code, message } };
  }
  if (!result.ok) {
    const { code, message, offset } = result.error;
    if (code === 'NOT_DICOM' || code === 'DICOMDIR') {
      return { status: 'skipped', relativePath, inputBytes, inputSha256, reason: message };
    }
    return {
      status: 'failed',
      relativePath,
      inputBytes,
      inputSha256,
      error: { code, message, ...(offset !== undefined ? { offset } : {}) },
    };
  }

  const residual = result.residual.map((hit) => ({
    code: 'RESIDUAL_PHI',
    message: `${hit.keyword || hit.tag} still holds the original's ${hit.kind}`,
    path: hit.path,
  }));
  if (residual.length > 0 && env.acceptResidual !== true) {
    // Fail closed: nothing is written; the report says where, never what.
    const where = [...new Set(result.residual.map((hit) => hit.path))];
    const kinds = [...new Set(result.residual.map((hit) => hit.kind))];
    return {
      status: 'failed',
      relativePath,
      inputBytes,
      inputSha256,
      error: {
        code: 'RESIDUAL_PHI',
        message:
          `identifying values of the original remain (${kinds.join(', ')}) at ` +
          `${where.slice(0, 8).join(', ')}${where.length > 8 ? ` and ${where.length - 8} more` : ''}; ` +
          'change the rule for these attributes or pass --accept-residual',
      },
    };
  }
  const parts = coalesceParts(result.parts);
  const target = outputPathOf(env.outputRoot, relativePath);
  const partial = `${target}${PARTIAL_SUFFIX}`;
  try {
    mkdirSync(dirname(target), { recursive: true });
    // The parts share the reader's buffer: written (and hashed, below) before the next read.
    writePartsSync(partial, parts, 'wx');
    renameSync(partial, target);
  } catch (error) {
    rmSync(partial, { force: true });
    return {
      status: 'failed',
      relativePath,
      inputBytes,
      inputSha256,
      error: {
        code: 'WRITE_FAILED',
        message: `cannot write the output: ${describeFsError(error)}`,
      },
    };
  }
  return {
    status: 'processed',
    relativePath,
    outputPath: relativePath,
    inputBytes,
    outputBytes: result.size,
    inputSha256,
    outputSha256: sha256Parts(parts),
    counts: result.counts,
    warnings: [
      ...result.warnings.map((w) => ({
        code: w.code,
        message: w.message,
        ...(w.path !== undefined ? { path: w.path } : {}),
      })),
      ...residual,
    ],
  };
}
