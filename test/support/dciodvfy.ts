import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const DCIODVFY = '/usr/bin/dciodvfy';
export const hasDciodvfy = (): boolean => existsSync(DCIODVFY);

/**
 * Runs dicom3tools' dciodvfy (IOD validator) on bytes. `errors` are its `Error - …` lines: a
 * missing Type 1/2 attribute, a wrong VR or VM, a bad value. Warnings are left out.
 */
export function dciodvfy(bytes: Uint8Array): { output: string; errors: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'veil-dciodvfy-'));
  try {
    const file = join(dir, 'in.dcm');
    writeFileSync(file, bytes);
    const run = spawnSync(DCIODVFY, [file], { encoding: 'latin1' });
    const output = `${run.stdout ?? ''}${run.stderr ?? ''}`;
    return { output, errors: output.split('\n').filter((line) => line.startsWith('Error')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An error line with its tag paths, quoted values and UIDs taken out, so input and output compare. */
export const normaliseValidatorLine = (line: string): string =>
  line
    .replace(/\(0x[0-9a-f]{4},0x[0-9a-f]{4}\)/gi, '(tag)')
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\b\d+(?:\.\d+){2,}\b/g, '<uid>')
    .trim();
