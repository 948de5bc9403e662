import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profileHash } from '../core/deid/profile';
import { parseProjectKey } from '../core/deid/projectKey';
import type { Profile } from '../core/deid/types';
import { readWithDcmjs } from '../../test/support/dcmjsReader';
import { dicomFile } from '../../test/support/dicomBuilder';
import { smallFile } from '../../test/support/deid';
import { TS } from '../../test/support/transferSyntax';

// Runs the built command line (`node bin/veil.mjs`) as a user would, over real pydicom files.
const repo = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURES = [
  join(repo, 'test/fixtures/pydicom'),
  '/usr/lib/python3/dist-packages/pydicom/data/test_files',
].find((folder) => existsSync(join(folder, 'CT_small.dcm')));

// The Patient's Name in CT_small.dcm and MR_small.dcm: neither may survive into outputs or logs.
const CT_NAME = 'CompressedSamples^CT1';
const MR_NAME = 'CompressedSamples^MR1';

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function veil(...args: string[]): Run {
  const result = spawnSync(process.execPath, [join(repo, 'bin/veil.mjs'), ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const sha256 = (path: string): string =>
  createHash('sha256').update(readFileSync(path)).digest('hex');

function filesUnder(root: string, prefix = ''): string[] {
  return readdirSync(join(root, prefix), { withFileTypes: true }).flatMap((entry) => {
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    return entry.isDirectory() ? filesUnder(root, rel) : [rel];
  });
}

interface ReportFile {
  input: string;
  status: 'processed' | 'skipped' | 'failed';
  output?: string;
  inputSha256?: string;
  outputSha256?: string;
  counts?: Record<string, number>;
  warnings?: { code: string; message: string }[];
  reason?: string;
  error?: { code: string; message: string; offset?: number };
}

interface Report {
  format: string;
  tool: { name: string; version: string };
  profile: Profile;
  profileHash: string;
  key: { fingerprint: string; source: string };
  options: { name: string; code: string }[];
  started: string;
  finished: string;
  interrupted: boolean;
  files: ReportFile[];
  summary: { processed: number; skipped: number; failed: number; files: number };
}

const readReport = (path: string): Report => JSON.parse(readFileSync(path, 'utf8')) as Report;

let dir: string;
const inputs = ['study1/CT_small.dcm', 'study1/sub/MR_small.dcm', 'notes.txt', 'study2/cut.dcm'];
const inputHashes = new Map<string, string>();

describe.skipIf(FIXTURES === undefined)('veil command line', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'veil-cli-'));
    const put = (rel: string, bytes: Buffer): void => {
      mkdirSync(dirname(join(dir, 'in', rel)), { recursive: true });
      writeFileSync(join(dir, 'in', rel), bytes);
    };
    put('study1/CT_small.dcm', readFileSync(join(FIXTURES!, 'CT_small.dcm')));
    put('study1/sub/MR_small.dcm', readFileSync(join(FIXTURES!, 'MR_small.dcm')));
    put('notes.txt', Buffer.from('Not a DICOM file.\nJust notes.\n'));
    // A real DICOM file cut in the middle of its dataset: recognisably DICOM, but incomplete.
    put('study2/cut.dcm', readFileSync(join(FIXTURES!, 'CT_small.dcm')).subarray(0, 1000));
    for (const rel of inputs) inputHashes.set(rel, sha256(join(dir, 'in', rel)));
  }, 120_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('prints its version and help, and rejects bad usage with exit code 2', () => {
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string };
    expect(veil('--version')).toMatchObject({ status: 0, stdout: `veil ${pkg.version}\n` });
    const help = veil('help', 'deidentify');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--retain-long-modified-dates');
    const bad = veil('deidentify', 'in');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('deidentify needs <in> and <out>');
  });

  it('writes a private key file once and never overwrites it', () => {
    expect(veil('keygen', 'project.key').status).toBe(0);
    expect(statSync(join(dir, 'project.key')).mode & 0o777).toBe(0o600);
    const before = readFileSync(join(dir, 'project.key'), 'utf8');
    const again = veil('keygen', 'project.key');
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('already exists');
    expect(readFileSync(join(dir, 'project.key'), 'utf8')).toBe(before);
  });

  it('de-identifies a tree: keeps the layout, skips non-DICOM, fails closed, reports it all', () => {
    const run = veil('deidentify', 'in', 'out1', '--key-file', 'project.key', '--jobs', '2');
    expect(run.status).toBe(1);
    for (const text of [run.stdout, run.stderr]) {
      expect(text).not.toContain(CT_NAME);
      expect(text).not.toContain(MR_NAME);
    }
    expect(run.stdout).toMatch(/2 processed, 1 skipped, 1 failed/);
    expect(run.stderr).toMatch(/skipped notes\.txt/);
    expect(run.stderr).toMatch(/failed study2\/cut\.dcm: .* \[[A-Z_]+\]/);

    // Layout kept for the two DICOM files; nothing for the skipped or the failed one.
    expect(filesUnder(join(dir, 'out1')).sort()).toEqual([
      'study1/CT_small.dcm',
      'study1/sub/MR_small.dcm',
      'veil-report.json',
    ]);
    const ct = readFileSync(join(dir, 'out1/study1/CT_small.dcm'));
    const mr = readFileSync(join(dir, 'out1/study1/sub/MR_small.dcm'));
    expect(ct.subarray(128, 132).toString('latin1')).toBe('DICM');
    expect(ct.toString('latin1')).not.toContain(CT_NAME);
    expect(mr.toString('latin1')).not.toContain(MR_NAME);
    // The independent reader parses both outputs, and finds other names than the originals.
    expect(JSON.stringify(readWithDcmjs(ct).natural.PatientName ?? '')).not.toContain('CT1');
    expect(JSON.stringify(readWithDcmjs(mr).natural.PatientName ?? '')).not.toContain('MR1');
    // The input is untouched.
    for (const rel of inputs) expect(sha256(join(dir, 'in', rel))).toBe(inputHashes.get(rel));

    const report = readReport(join(dir, 'out1/veil-report.json'));
    const key = parseProjectKey(readFileSync(join(dir, 'project.key'), 'utf8'));
    expect(report.format).toBe('veil-report');
    expect(report.tool.name).toBe('veil');
    expect(report.key).toEqual({ fingerprint: key.fingerprint, source: 'file' });
    expect(report.profileHash).toBe(profileHash(report.profile));
    expect(report.options).toEqual([]);
    expect(report.interrupted).toBe(false);
    expect(Date.parse(report.finished)).toBeGreaterThanOrEqual(Date.parse(report.started));
    expect(report.summary).toMatchObject({ files: 4, processed: 2, skipped: 1, failed: 1 });
    expect(JSON.stringify(report)).not.toContain('CompressedSamples');

    const byInput = new Map(report.files.map((f) => [f.input, f]));
    expect([...byInput.keys()].sort()).toEqual([...inputs].sort());
    for (const rel of ['study1/CT_small.dcm', 'study1/sub/MR_small.dcm']) {
      const entry = byInput.get(rel)!;
      expect(entry.status).toBe('processed');
      expect(entry.output).toBe(rel);
      expect(entry.inputSha256).toBe(inputHashes.get(rel));
      expect(entry.outputSha256).toBe(sha256(join(dir, 'out1', rel)));
      expect(
        entry.counts!.removed! + entry.counts!.replaced! + entry.counts!.emptied!,
      ).toBeGreaterThan(0);
    }
    const skipped = byInput.get('notes.txt')!;
    expect(skipped.status).toBe('skipped');
    expect(skipped.inputSha256).toBe(inputHashes.get('notes.txt'));
    expect(skipped.reason).toMatch(/\S/);
    const failed = byInput.get('study2/cut.dcm')!;
    expect(failed.status).toBe('failed');
    expect(failed.error!.code).not.toBe('NOT_DICOM');
    expect(failed.error!.message).toMatch(/\S/);
  });

  it('gives byte-identical outputs in a second batch with the same key', () => {
    const run = veil('deidentify', 'in', 'out2', '--key-file', 'project.key', '--jobs', '1');
    expect(run.status).toBe(1);
    for (const rel of ['study1/CT_small.dcm', 'study1/sub/MR_small.dcm']) {
      expect(sha256(join(dir, 'out2', rel))).toBe(sha256(join(dir, 'out1', rel)));
    }
  });

  it('applies option flags and records them in the report', () => {
    const run = veil(
      'deidentify',
      join('in', 'study1', 'CT_small.dcm'),
      'out-single',
      '--key-file',
      'project.key',
      '--retain-long-modified-dates',
      '--retain-patient-characteristics',
      '--report',
      'single-report.json',
    );
    expect(run.status).toBe(0);
    expect(filesUnder(join(dir, 'out-single'))).toEqual(['CT_small.dcm']);
    const report = readReport(join(dir, 'single-report.json'));
    expect(report.options.map((o) => o.name)).toEqual([
      'RetainPatientChars',
      'RetainLongModifDates',
    ]);
    expect(report.profile.options).toEqual(['RetainPatientChars', 'RetainLongModifDates']);
    expect(report.files).toHaveLength(1);
    expect(report.files[0]!.counts!['date-shifted']).toBeGreaterThan(0);
  });

  it('without --key-file, generates a key beside <out> and uses it', () => {
    const run = veil('deidentify', 'in/study1', 'out3');
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('generated a new project key');
    const keyPath = join(dir, 'veil-project.key');
    expect(statSync(keyPath).mode & 0o777).toBe(0o600);
    const key = parseProjectKey(readFileSync(keyPath, 'utf8'));
    expect(readReport(join(dir, 'out3/veil-report.json')).key).toEqual({
      fingerprint: key.fingerprint,
      source: 'generated',
    });
    expect(existsSync(join(dir, 'out3/veil-project.key'))).toBe(false);
    // Another key, other UIDs: the output differs from the first batch's.
    expect(sha256(join(dir, 'out3/CT_small.dcm'))).not.toBe(
      sha256(join(dir, 'out1/study1/CT_small.dcm')),
    );
    // A second run without a key refuses to replace the generated one.
    const again = veil('deidentify', 'in/study1', 'out4');
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('--key-file');
    expect(existsSync(join(dir, 'out4/veil-report.json'))).toBe(false);
  });

  it('refuses to write into its input and leaves nothing behind', () => {
    const run = veil('deidentify', 'in', 'in/anon', '--key-file', 'project.key');
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('never writes into its input');
    expect(existsSync(join(dir, 'in/anon'))).toBe(false);
  });

  it('refuses a bad profile with every problem listed', () => {
    writeFileSync(
      join(dir, 'bad-profile.json'),
      JSON.stringify({
        format: 'veil-profile',
        version: 1,
        rules: [
          { tag: 'PatientNmae', action: 'remove' },
          { tag: 'StudyDate', action: 'shift' },
        ],
      }),
    );
    const run = veil('deidentify', 'in', 'out5', '--profile', 'bad-profile.json');
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('rules[0]');
    expect(run.stderr).toContain('rules[1]');
    expect(existsSync(join(dir, 'out5'))).toBe(false);
  });

  it('fails a file whose kept text still names the patient, unless --accept-residual', () => {
    // A custom rule keeps Study Description, which here spells the patient's name.
    mkdirSync(join(dir, 'residual'), { recursive: true });
    writeFileSync(
      join(dir, 'residual/kept.dcm'),
      smallFile(
        TS.explicitLE,
        (b) => {
          b.str(0x00081030, 'LO', 'Follow-up of Zelda Quimby');
        },
        { patientName: 'QUIMBY^ZELDA', patientId: 'PID4711' },
      ),
    );
    writeFileSync(
      join(dir, 'keep-description.json'),
      JSON.stringify({
        format: 'veil-profile',
        version: 1,
        rules: [{ tag: 'StudyDescription', action: 'keep' }],
      }),
    );
    const args = ['residual', '--key-file', 'project.key', '--profile', 'keep-description.json'];
    const blocked = veil('deidentify', args[0]!, 'out-residual-1', ...args.slice(1));
    expect(blocked.status).toBe(1);
    expect(existsSync(join(dir, 'out-residual-1/kept.dcm'))).toBe(false);
    const failed = readReport(join(dir, 'out-residual-1/veil-report.json')).files[0]!;
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'RESIDUAL_PHI' } });
    expect(failed.error!.message).toContain('(0008,1030)');
    const accepted = veil(
      'deidentify',
      args[0]!,
      'out-residual-2',
      ...args.slice(1),
      '--accept-residual',
    );
    expect(accepted.status).toBe(0);
    const written = readReport(join(dir, 'out-residual-2/veil-report.json')).files[0]!;
    expect(written.status).toBe('processed');
    expect(written.warnings?.map((w) => w.code)).toContain('RESIDUAL_PHI');
    for (const text of [
      blocked.stdout,
      blocked.stderr,
      accepted.stdout,
      readFileSync(join(dir, 'out-residual-1/veil-report.json'), 'utf8'),
      readFileSync(join(dir, 'out-residual-2/veil-report.json'), 'utf8'),
    ]) {
      expect(text).not.toMatch(/zelda|quimby|PID4711/i);
    }
  });

  it('skips a DICOMDIR, whatever its name, with the reason, and exits 0', () => {
    mkdirSync(join(dir, 'cd'), { recursive: true });
    const dicomdir = dicomFile(TS.explicitLE, {
      mediaStorageSopClassUid: '1.2.840.10008.1.3.10',
      mediaStorageSopInstanceUid: '1.2.826.0.1.3680043.2.1143.5.1',
    })
      .str(0x00041130, 'CS', 'CD1')
      .num(0x00041200, 'UL', 0)
      .seq(0x00041220, [
        (i) => i.str(0x00041430, 'CS', 'PATIENT').str(0x00100010, 'PN', 'ROE^RITA'),
      ])
      .build();
    writeFileSync(join(dir, 'cd/INDEX.DCM'), dicomdir);
    copyFileSync(join(dir, 'in/study1/CT_small.dcm'), join(dir, 'cd/IMG0001'));
    const done = veil('deidentify', 'cd', 'out-cd', '--key-file', 'project.key');
    expect(done.status).toBe(0);
    expect(done.stdout).toMatch(/1 processed, 1 skipped, 0 failed/);
    const report = readReport(join(dir, 'out-cd/veil-report.json'));
    const index = report.files.find((f) => f.input === 'INDEX.DCM')!;
    expect(index.status).toBe('skipped');
    expect(index.reason).toMatch(/DICOMDIR/);
    expect(existsSync(join(dir, 'out-cd/INDEX.DCM'))).toBe(false);
    expect(readFileSync(join(dir, 'out-cd/veil-report.json'), 'utf8')).not.toMatch(/ROE|RITA/);
  });

  it('takes pseudonyms from a table', () => {
    copyFileSync(join(dir, 'in/study1/CT_small.dcm'), join(dir, 'ct-only.dcm'));
    const originalId = String(
      readWithDcmjs(readFileSync(join(dir, 'ct-only.dcm'))).natural.PatientID,
    );
    expect(originalId).not.toBe('');
    writeFileSync(
      join(dir, 'table.csv'),
      `original_patient_id,pseudonym_id,pseudonym_name\r\n${originalId},SUBJ-001,SUBJECT^ONE\r\n`,
    );
    const run = veil(
      'deidentify',
      'ct-only.dcm',
      'out6',
      '--key-file',
      'project.key',
      '--pseudonyms',
      'table.csv',
    );
    expect(run.status).toBe(0);
    const out = readWithDcmjs(readFileSync(join(dir, 'out6/ct-only.dcm'))).natural;
    expect(out.PatientID).toBe('SUBJ-001');
    expect(JSON.stringify(out.PatientName)).toContain('SUBJECT^ONE');
    expect(readReport(join(dir, 'out6/veil-report.json')).profile.pseudonyms).toEqual({
      kind: 'table',
    });
  });
});
