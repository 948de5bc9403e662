import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const DCMDUMP = '/usr/bin/dcmdump';
export const hasDcmdump = (): boolean => existsSync(DCMDUMP);

export interface DumpResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** dcmdump's `E:` lines (parse errors); warnings (`W:`) are not counted. */
  readonly errors: readonly string[];
}

/**
 * Runs dcmtk's dcmdump (an independent C++ reader) on bytes through a temp file. `+L` prints long
 * values in full so assertions can match whole strings; extra arguments are passed before the file.
 */
export function dcmdump(bytes: Uint8Array, args: readonly string[] = []): DumpResult {
  const dir = mkdtempSync(join(tmpdir(), 'veil-dcmdump-'));
  try {
    const file = join(dir, 'in.dcm');
    writeFileSync(file, bytes);
    const run = spawnSync(DCMDUMP, ['+L', ...args, file], { encoding: 'latin1' });
    const stderr = run.stderr ?? '';
    return {
      status: run.status,
      stdout: run.stdout ?? '',
      stderr,
      errors: stderr.split('\n').filter((line) => line.startsWith('E:')),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
