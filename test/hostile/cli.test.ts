import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureDirectory } from '../fixtures';
import { corpusPath, quotedPhi, readManifest, veilErrorCodes } from './corpus';
import { sha256 } from './generate';

/**
 * The built command line over one folder holding the whole hostile corpus and a few good files,
 * on two worker threads: the batch finishes, every good file is written, no bad one leaves a byte
 * behind, the report accounts for every input, and no worker dies on the way.
 */

const repo = fileURLToPath(new URL('../..', import.meta.url));
const GOOD = ['CT_small.dcm', 'MR_small.dcm', 'JPEG2000.dcm', 'rtstruct.dcm', 'test-SR.dcm'];
const manifest = readManifest();

interface ReportFile {
  input: string;
  status: 'processed' | 'skipped' | 'failed';
  output?: string;
  outputSha256?: string;
  reason?: string;
  error?: { code: string; message: string };
}

interface Report {
  files: ReportFile[];
  summary: { processed: number; skipped: number; failed: number; files: number };
}

let dir: string;
let run: { status: number | null; stdout: string; stderr: string };

function filesUnder(root: string, prefix = ''): string[] {
  return readdirSync(join(root, prefix), { withFileTypes: true }).flatMap((entry) => {
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    return entry.isDirectory() ? filesUnder(root, rel) : [rel];
  });
}

const veil = (...args: string[]) => {
  const result = spawnSync(process.execPath, [join(repo, 'bin/veil.mjs'), ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
};

describe('veil deidentify over the hostile corpus', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'veil-hostile-cli-'));
    mkdirSync(join(dir, 'in', 'corpus'), { recursive: true });
    mkdirSync(join(dir, 'in', 'good'), { recursive: true });
    for (const entry of manifest.entries) {
      copyFileSync(corpusPath(entry.file), join(dir, 'in', 'corpus', entry.file));
    }
    for (const name of GOOD) {
      copyFileSync(new URL(name, fixtureDirectory()), join(dir, 'in', 'good', name));
    }
    expect(veil('keygen', 'project.key').status).toBe(0);
    run = veil('deidentify', 'in', 'out', '--key-file', 'project.key', '--jobs', '2');
  }, 300_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('finishes the batch and exits 1 (some files failed), with every input in the report', () => {
    expect(run.status, run.stderr.slice(-2000)).toBe(1);
    const report = JSON.parse(readFileSync(join(dir, 'out/veil-report.json'), 'utf8')) as Report;
    const inputs = [
      ...manifest.entries.map((e) => `corpus/${e.file}`),
      ...GOOD.map((name) => `good/${name}`),
    ].sort();
    expect(report.files.map((f) => f.input).sort()).toEqual(inputs);
    expect(report.summary.files).toBe(inputs.length);
    expect(report.summary.processed + report.summary.skipped + report.summary.failed).toBe(
      inputs.length,
    );
    // The pool survived: no file was lost to a dead worker.
    expect(report.files.filter((f) => f.error?.code === 'WORKER_CRASHED')).toEqual([]);
  });

  it('writes every good file and nothing for a bad one (no partial output)', () => {
    const report = JSON.parse(readFileSync(join(dir, 'out/veil-report.json'), 'utf8')) as Report;
    const processed = report.files.filter((f) => f.status === 'processed');
    for (const name of GOOD) {
      expect(processed.map((f) => f.input)).toContain(`good/${name}`);
    }
    expect(filesUnder(join(dir, 'out')).sort()).toEqual(
      [...processed.map((f) => f.output!), 'veil-report.json'].sort(),
    );
    for (const file of processed) {
      const bytes = readFileSync(join(dir, 'out', file.output!));
      expect(sha256(bytes), file.input).toBe(file.outputSha256);
      expect(bytes.subarray(128, 132).toString('latin1')).toBe('DICM');
    }
  });

  it('gives each corpus file the status its manifest outcome implies, with a reason', () => {
    const report = JSON.parse(readFileSync(join(dir, 'out/veil-report.json'), 'utf8')) as Report;
    const byInput = new Map(report.files.map((f) => [f.input, f]));
    const codes = veilErrorCodes();
    const wrong: string[] = [];
    for (const entry of manifest.entries) {
      const row = byInput.get(`corpus/${entry.file}`)!;
      const expected = entry.expect.deidentify;
      const status =
        expected === 'ok'
          ? 'processed'
          : expected === 'skipped'
            ? 'skipped'
            : expected === 'closed'
              ? row.status
              : 'failed';
      if (row.status !== status) wrong.push(`${entry.file}: ${row.status}, expected ${status}`);
      if (row.status === 'skipped') expect(row.reason, entry.file).toMatch(/\S/);
      if (row.status === 'failed') {
        expect(codes.has(row.error!.code), `${entry.file}: ${row.error!.code}`).toBe(true);
        expect(row.error!.message, entry.file).toMatch(/\S/);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('quotes no value from a bad file in the report', () => {
    const report = JSON.parse(readFileSync(join(dir, 'out/veil-report.json'), 'utf8')) as Report;
    const byInput = new Map(report.files.map((f) => [f.input, f]));
    const leaks = manifest.entries.flatMap((entry) => {
      const row = byInput.get(`corpus/${entry.file}`)!;
      const said = `${row.reason ?? ''} ${row.error?.message ?? ''}`;
      return quotedPhi(said, entry.phi).map((value) => `${entry.file}: ${value}`);
    });
    expect(leaks).toEqual([]);
  });

  it('quotes no value from a bad file on the terminal', () => {
    const all = manifest.entries.flatMap((e) => e.phi);
    expect(quotedPhi(run.stdout + run.stderr, all)).toEqual([]);
  });
});
