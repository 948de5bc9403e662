import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readFixture } from '../../test/fixtures';
import { buildPlan } from '../core/deid/plan';
import { defaultProfile, profileHash, parseProfile } from '../core/deid/profile';
import { createProjectKey } from '../core/deid/projectKey';
import { parsePseudonymCsv } from '../core/deid/pseudonymTable';
import { parseFile } from '../core/dicom/parse';
import {
  readInstanceSummary,
  isInstanceSummary,
  type InstanceSummary,
} from '../core/dicom/parseHeader';
import { processJob } from '../worker/processJob';
import { planExport, type ExportItem } from './exportPlan';
import { layoutPaths, safeSegment, type LayoutItem } from './layout';
import { toCsv, type ExportReport } from './report';
import { exportZipStream } from './zip';

const key = createProjectKey(new Uint8Array(32).fill(5));
const profile = defaultProfile();
const plan = buildPlan(profile);
const created = new Date('2025-03-04T05:06:07Z');

const FILES = [
  'CT_small.dcm',
  'MR_small.dcm',
  'MR_small_RLE.dcm',
  'JPEG2000.dcm',
  'SC_rgb_rle_2frame.dcm',
];

function summaryOf(bytes: Uint8Array): InstanceSummary {
  const summary = readInstanceSummary(bytes, 'x.dcm');
  if (!isInstanceSummary(summary)) throw new Error(summary.code);
  return summary;
}

/** Real de-identified items, as the store hands them to the export. */
async function doneItems(
  names: readonly string[],
): Promise<{ items: ExportItem[]; summaries: InstanceSummary[] }> {
  const items: ExportItem[] = [];
  const summaries: InstanceSummary[] = [];
  for (const [index, name] of names.entries()) {
    const bytes = readFixture(name);
    const summary = summaryOf(bytes);
    summaries.push(summary);
    const outcome = await processJob({ plan, key }, name, {
      kind: 'blob',
      blob: new Blob([bytes as Uint8Array<ArrayBuffer>]),
    });
    if (!outcome.ok) throw new Error(outcome.error.code);
    if (outcome.output.kind !== 'blob') throw new Error('no work files here: a Blob output');
    items.push({
      item: index + 1,
      state: 'done',
      output: outcome.output.blob,
      outputCrc32: outcome.outputCrc32,
      outputBytes: outcome.outputBytes,
      inputBytes: outcome.inputBytes,
      inputSha256: outcome.inputSha256,
      outputSha256: outcome.outputSha256,
      counts: outcome.counts,
      warnings: outcome.warnings,
      identity: outcome.identity,
      order: {
        studyDate: summary.studyDate,
        studyTime: summary.studyTime,
        seriesNumber: summary.seriesNumber,
        instanceNumber: summary.instanceNumber,
      },
    });
  }
  return { items, summaries };
}

async function zipBytes(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Identifying values of the originals long enough to be meaningful in a search. */
function phiValues(summaries: readonly InstanceSummary[]): string[] {
  const values = summaries.flatMap((s) => [
    s.patientName,
    s.patientId,
    s.studyInstanceUid,
    s.seriesInstanceUid,
    s.sopInstanceUid,
    s.studyDescription,
    s.seriesDescription,
    s.accessionNumber,
    s.studyDate,
  ]);
  return [...new Set(values.filter((v) => v.trim().length >= 4))];
}

describe('layoutPaths', () => {
  const item = (
    id: number,
    over: Partial<LayoutItem['identity']>,
    order: Partial<LayoutItem['order']> = {},
  ): LayoutItem => ({
    id,
    outputSha256: `sha${id}`,
    identity: {
      patientPseudonym: 'ANON-1',
      studyInstanceUid: '2.25.1',
      seriesInstanceUid: '2.25.11',
      sopInstanceUid: `2.25.100${id}`,
      modality: 'CT',
      instanceNumber: '',
      ...over,
    },
    order: {
      studyDate: '',
      studyTime: '',
      seriesNumber: undefined,
      instanceNumber: undefined,
      ...order,
    },
  });

  it('numbers studies by date, series by number and instances by number', () => {
    const { paths } = layoutPaths([
      item(
        1,
        { studyInstanceUid: '2.25.9', seriesInstanceUid: '2.25.91', instanceNumber: '2' },
        { studyDate: '20200101' },
      ),
      item(
        2,
        { studyInstanceUid: '2.25.9', seriesInstanceUid: '2.25.91', instanceNumber: '1' },
        { studyDate: '20200101' },
      ),
      item(
        3,
        { studyInstanceUid: '2.25.1', seriesInstanceUid: '2.25.12', modality: 'MR' },
        { studyDate: '20210101', seriesNumber: 5 },
      ),
      item(
        4,
        { studyInstanceUid: '2.25.1', seriesInstanceUid: '2.25.13', modality: 'sr' },
        { studyDate: '20210101', seriesNumber: 2 },
      ),
      item(5, { patientPseudonym: '../../etc' }),
    ]);
    expect(Object.fromEntries(paths)).toEqual({
      1: 'ANON-1/study-01/series-001_CT/0002.dcm',
      2: 'ANON-1/study-01/series-001_CT/0001.dcm',
      3: 'ANON-1/study-02/series-002_MR/0001.dcm',
      4: 'ANON-1/study-02/series-001_SR/0001.dcm',
      5: 'etc/study-01/series-001_CT/0001.dcm',
    });
  });

  it('is the same whatever order the files come in, and writes an identical file once', () => {
    const items = [1, 2, 3, 4, 5, 6].map((n) => item(n, { instanceNumber: String(7 - n) }));
    const copy = { ...items[2]!, id: 7 };
    const a = layoutPaths([...items, copy]);
    const b = layoutPaths([copy, ...[...items].reverse()]);
    for (const n of [1, 2, 4, 5, 6]) expect(b.paths.get(n)).toBe(a.paths.get(n));
    expect(b.paths.get(7)).toBe(a.paths.get(3));
    expect(a.duplicates.get(7)).toBe(3);
    expect(b.duplicates.get(3)).toBe(7);
  });

  it('keeps path segments to a safe alphabet', () => {
    expect(safeSegment('..', 'x')).toBe('x');
    expect(safeSegment('a/b\\c:d', 'x')).toBe('a_b_c_d');
    expect(safeSegment('Müller^Hans', 'x')).toBe('M_ller_Hans');
  });
});

describe('planExport and the zip', () => {
  it('writes the files, report.json, report.csv and profile.json, with no PHI in any path or report', async () => {
    const { items, summaries } = await doneItems(FILES);
    const failed: ExportItem = {
      item: 6,
      state: 'failed',
      code: 'TRUNCATED',
      reason: 'the file ends early',
      inputSha256: 'ab'.repeat(32),
      inputBytes: 99,
    };
    const skipped: ExportItem = {
      item: 7,
      state: 'skipped',
      code: 'SKIPPED',
      reason: 'not a DICOM file [NOT_DICOM]',
      inputBytes: 12,
    };
    const exportPlan = planExport({
      items: [...items, failed, skipped],
      profile,
      keyFingerprint: key.fingerprint,
      deidentified: created.toISOString(),
      mapping: null,
      created,
    });
    const entries = unzipSync(await zipBytes(exportZipStream(exportPlan, created)));
    const names = Object.keys(entries);
    expect(names.slice(0, 3)).toEqual(['report.json', 'report.csv', 'profile.json']);
    const dicomNames = names.filter((n) => n.endsWith('.dcm'));
    expect(dicomNames.length).toBe(FILES.length);
    expect(names).not.toContain('pseudonym-mapping.csv');

    const phi = phiValues(summaries);
    expect(phi.length).toBeGreaterThan(5);
    for (const name of names) for (const value of phi) expect(name).not.toContain(value);

    const report = JSON.parse(strFromU8(entries['report.json']!)) as ExportReport;
    const reportText = strFromU8(entries['report.json']!) + strFromU8(entries['report.csv']!);
    for (const value of phi) expect(reportText).not.toContain(value);
    for (const name of FILES) expect(reportText).not.toContain(name);

    expect(report.summary).toMatchObject({ files: 7, included: 5, leftOut: 2 });
    expect(report.key.fingerprint).toBe(key.fingerprint);
    expect(report.profile.canonicalSha256).toBe(profileHash(profile));
    expect(report.leftOut).toEqual([
      {
        item: 6,
        status: 'failed',
        code: 'TRUNCATED',
        reason: 'the file ends early',
        inputSha256: 'ab'.repeat(32),
        inputBytes: 99,
      },
      {
        item: 7,
        status: 'skipped',
        code: 'SKIPPED',
        reason: 'not a DICOM file [NOT_DICOM]',
        inputBytes: 12,
      },
    ]);
    for (const file of report.files) {
      const bytes = entries[file.path]!;
      expect(bytes).toBeDefined();
      // The hash in the report is the hash of the bytes in the zip.
      const digest = Buffer.from(await crypto.subtle.digest('SHA-256', bytes)).toString('hex');
      expect(file.outputSha256).toBe(digest);
      expect(file.outputBytes).toBe(bytes.length);
      const source = items.find((i) => i.item === file.item)!;
      expect(file.inputSha256).toBe(source.state === 'done' ? source.inputSha256 : '');
      expect(file.counts.removed + file.counts.replaced).toBeGreaterThan(0);
      parseFile(bytes, file.path);
    }

    const csv = strFromU8(entries['report.csv']!).trimEnd().split('\r\n');
    expect(csv[0]).toBe(
      'item,status,path,input_sha256,output_sha256,input_bytes,output_bytes,removed,emptied,replaced,uid_remapped,date_shifted,cleaned,kept,added,warnings,warning_codes,code,reason',
    );
    expect(csv.length).toBe(1 + 7);
    expect(csv.filter((line) => line.split(',')[1] === 'included').length).toBe(5);
    expect(csv.at(-1)).toBe('7,skipped,,,,12,,,,,,,,,,,,SKIPPED,not a DICOM file [NOT_DICOM]');

    expect(parseProfile(strFromU8(entries['profile.json']!))).toEqual(profile);
  });

  it('adds the pseudonym mapping only when asked, in a form a later batch can load as its table', async () => {
    const { items, summaries } = await doneItems(['CT_small.dcm', 'MR_small.dcm']);
    const mapping = items.map((item, i) => ({
      originalPatientId: summaries[i]!.patientId,
      pseudonymId: item.state === 'done' ? item.identity.patientPseudonym : '',
      pseudonymName: item.state === 'done' ? item.identity.patientPseudonym : '',
    }));
    const exportPlan = planExport({
      items,
      profile,
      keyFingerprint: key.fingerprint,
      deidentified: '',
      mapping,
      created,
    });
    const entries = unzipSync(await zipBytes(exportZipStream(exportPlan, created)));
    const table = parsePseudonymCsv(strFromU8(entries['pseudonym-mapping.csv']!));
    expect(table.get(summaries[0]!.patientId)?.id).toMatch(/^ANON/);
    expect(table.size).toBe(2);
    const report = JSON.parse(strFromU8(entries['report.json']!)) as ExportReport;
    expect(report.pseudonymMapping).toBe('pseudonym-mapping.csv');
  });

  it('makes a zip the standard unzip tool accepts', async () => {
    let hasUnzip = true;
    try {
      execFileSync('unzip', ['-v'], { stdio: 'ignore' });
    } catch {
      hasUnzip = false;
    }
    if (!hasUnzip) return;
    const { items } = await doneItems(FILES.slice(0, 2));
    const exportPlan = planExport({
      items,
      profile,
      keyFingerprint: key.fingerprint,
      deidentified: '',
      mapping: null,
      created,
    });
    const dir = mkdtempSync(join(tmpdir(), 'veil-zip-'));
    try {
      const path = join(dir, 'out.zip');
      writeFileSync(path, await zipBytes(exportZipStream(exportPlan, created)));
      const listing = execFileSync('unzip', ['-t', path], { encoding: 'utf8' });
      expect(listing).toContain('No errors detected');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('counts files as they are written', async () => {
    const { items } = await doneItems(FILES.slice(0, 3));
    const exportPlan = planExport({
      items,
      profile,
      keyFingerprint: key.fingerprint,
      deidentified: '',
      mapping: null,
      created,
    });
    const seen: number[] = [];
    await zipBytes(exportZipStream(exportPlan, created, (n) => seen.push(n)));
    expect(seen).toEqual([1, 2, 3]);
  });
});

describe('toCsv', () => {
  it('quotes, doubles quotes and defuses formulas', () => {
    expect(toCsv([['a,b', 'say "hi"', '=1+1', 3]])).toBe('"a,b","say ""hi""",\'=1+1,3\r\n');
    expect(toCsv([['-5']], false)).toBe('-5\r\n');
  });
});
