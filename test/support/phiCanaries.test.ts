import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DcmjsDict } from 'dcmjs';
import { afterAll, describe, expect, it } from 'vitest';
import { findCanaries, searchableText } from './canaryScan';
import { dciodvfy, hasDciodvfy } from './dciodvfy';
import { dcmdump, hasDcmdump } from './dcmdump';
import { readWithDcmjs } from './dcmjsReader';
import { CORPUS_TRANSFER_SYNTAXES, makePhiFile, writePhiCorpus, type PhiFile } from './phiCanaries';
import { TS } from './transferSyntax';

const latin1 = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');

/** The value at a Change-style path, `(0040,0275)[0]/(0040,1001)`, as text, read by dcmjs. */
function valueAtPath(file: ReturnType<typeof readWithDcmjs>, path: string): string {
  let dict: DcmjsDict = path.startsWith('(0002,') ? file.meta : file.dict;
  const steps = path.split('/');
  for (let n = 0; n < steps.length; n++) {
    const match = /^\(([0-9A-F]{4}),([0-9A-F]{4})\)(?:\[(\d+)\])?$/i.exec(steps[n]!);
    if (!match) throw new Error(`bad path step ${steps[n]}`);
    const element = dict[`${match[1]}${match[2]}`.toUpperCase()];
    if (!element) return '';
    const values = element.Value ?? [];
    if (match[3] === undefined) {
      return values
        .map((v) => {
          if (v instanceof ArrayBuffer) return latin1(new Uint8Array(v));
          if (typeof v === 'object' && v !== null && 'Alphabetic' in v) return String(v.Alphabetic);
          return String(v);
        })
        .join('\\');
    }
    dict = values[Number(match[3])] as DcmjsDict;
  }
  return '';
}

describe.each(CORPUS_TRANSFER_SYNTAXES)('makePhiFile in %s', (transferSyntax) => {
  const made = makePhiFile({ transferSyntax, seed: 7, patient: 1, study: 1, instance: 3 });

  it('plants every canary kind the leak tests rely on', () => {
    const kinds = new Set(made.planted.map((c) => c.kind));
    for (const kind of ['name', 'id', 'contact', 'text', 'description', 'institution', 'device']) {
      expect(kinds).toContain(kind);
    }
    for (const kind of ['date', 'time', 'uid', 'private', 'meta'] as const) {
      expect(kinds).toContain(kind);
    }
    expect(made.canaries).toContain('19230418'); // patient 1: the day after 1923-04-17
    expect(made.canaries).toContain(made.uids.study);
    expect(made.canaries).toContain(made.uids.series);
    expect(made.canaries).toContain(made.uids.sopInstance);
    expect(made.canaries).toContain(made.uids.frameOfReference);
    expect(made.canaries.length).toBeGreaterThan(40);
  });

  it('has every canary in its bytes (inflated first when deflated)', () => {
    expect(findCanaries(made.bytes, made.canaries)).toEqual(made.canaries);
    const raw = latin1(made.bytes);
    const patientId = made.planted.find((c) => c.path === '(0010,0020)')!.value;
    // Deflated datasets hide canaries from a raw scan: this is why findCanaries inflates.
    expect(raw.includes(patientId)).toBe(transferSyntax !== TS.deflatedLE);
    expect(searchableText(made.bytes).inflateFailed).toBe(false);
  });

  it('puts each canary where `planted` says, as dcmjs reads it', () => {
    const file = readWithDcmjs(made.bytes);
    expect(made.planted.length).toBeGreaterThan(made.canaries.length);
    for (const { value, path } of made.planted) {
      expect(valueAtPath(file, path), path).toContain(value);
    }
    const n = file.natural;
    expect(n.SOPClassUID).toBe('1.2.840.10008.5.1.4.1.1.2');
    expect(n.Rows).toBe(16);
    expect(n.BitsAllocated).toBe(16);
    expect(n.Modality).toBe('CT');
  });

  it.runIf(hasDcmdump())('parses with dcmdump, which shows every canary', () => {
    const dump = dcmdump(made.bytes);
    expect(dump.errors).toEqual([]);
    expect(dump.status).toBe(0);
    for (const { value, kind } of made.planted) {
      // In implicit VR dcmdump cannot know the VR of an unknown private element and prints hex.
      if (transferSyntax === TS.implicitLE && kind === 'private') continue;
      expect(dump.stdout).toContain(value);
    }
  });

  // dciodvfy cannot read deflated files; dcmdump above covers their structure.
  it.runIf(hasDciodvfy() && transferSyntax !== TS.deflatedLE)(
    'is a valid CT Image for dciodvfy',
    () => {
      const check = dciodvfy(made.bytes);
      expect(check.output).toContain('CTImage');
      expect(check.errors).toEqual([]);
    },
  );
});

describe('makePhiFile variants', () => {
  it.runIf(hasDciodvfy())('makes valid MR and multi-frame objects too', () => {
    const mr = dciodvfy(makePhiFile({ transferSyntax: TS.explicitLE, modality: 'MR' }).bytes);
    expect(mr.output).toContain('MRImage');
    expect(mr.errors).toEqual([]);
    const frames = makePhiFile({ transferSyntax: TS.explicitLE, frames: 3, rows: 8, columns: 8 });
    const mf = dciodvfy(frames.bytes);
    expect(mf.output).toContain('MultiframeGrayscaleWordSCImage');
    expect(mf.errors).toEqual([]);
    // Large patient and study numbers still give valid times and dates.
    const far = dciodvfy(
      makePhiFile({ transferSyntax: TS.explicitLE, patient: 57, study: 19 }).bytes,
    );
    expect(far.errors).toEqual([]);
    const pixels = readWithDcmjs(frames.bytes).dict['7FE00010']!.Value![0] as ArrayBuffer;
    expect(pixels.byteLength).toBe(3 * 8 * 8 * 2);
  });

  it('is deterministic, and its pixels depend on the instance', () => {
    const a = makePhiFile({ transferSyntax: TS.explicitLE, seed: 3, instance: 1 });
    const b = makePhiFile({ transferSyntax: TS.explicitLE, seed: 3, instance: 1 });
    const c = makePhiFile({ transferSyntax: TS.explicitLE, seed: 3, instance: 2 });
    expect(b.bytes).toEqual(a.bytes);
    const tail = (f: PhiFile) => f.bytes.subarray(f.bytes.length - 512);
    expect(tail(c)).not.toEqual(tail(a));
    // 12 bits stored: no pixel above 4095.
    const pixels = new Uint16Array(tail(a).slice().buffer);
    expect(Math.max(...pixels)).toBeLessThanOrEqual(0x0fff);
    expect(new Set(pixels).size).toBeGreaterThan(200);
  });

  it('shares patient canaries between studies of one patient and nothing between patients', () => {
    const file = (patient: number, study: number) =>
      makePhiFile({ transferSyntax: TS.explicitLE, patient, study });
    const p0s0 = new Set(file(0, 0).canaries);
    const p0s1 = new Set(file(0, 1).canaries);
    const p1s0 = new Set(file(1, 0).canaries);
    const shared = [...p0s0].filter((c) => p0s1.has(c));
    const patientName = file(0, 0).planted.find((c) => c.path === '(0010,0010)')!.value;
    expect(shared).toContain(patientName);
    expect(shared).toContain('19230417');
    expect([...p0s0].filter((c) => p1s0.has(c))).toEqual([]);
  });

  it('never makes one canary a substring of another, over a whole corpus', () => {
    const all = new Set<string>();
    for (let k = 0; k < 24; k++) {
      const made = makePhiFile({
        transferSyntax: TS.explicitLE,
        patient: k % 3,
        study: (k >> 1) % 2,
        series: k % 2,
        instance: k,
      });
      made.canaries.forEach((c) => all.add(c));
    }
    const list = [...all];
    const nested = list.filter((a) => list.some((b) => a !== b && b.includes(a)));
    expect(nested).toEqual([]);
  });
});

describe('writePhiCorpus', () => {
  const dir = mkdtempSync(join(tmpdir(), 'veil-corpus-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes n files over 3 patients × 2 studies in the four native transfer syntaxes', () => {
    const { files, canaries } = writePhiCorpus(dir, 12);
    expect(files).toHaveLength(12);
    expect(new Set(files.map((f) => `${f.patient}/${f.study}`)).size).toBe(6);
    expect(new Set(files.map((f) => f.transferSyntax))).toEqual(new Set(CORPUS_TRANSFER_SYNTAXES));
    const seen = new Set<string>();
    for (const f of files) {
      const bytes = new Uint8Array(readFileSync(f.path));
      expect(findCanaries(bytes, f.canaries)).toEqual(f.canaries);
      expect(readWithDcmjs(bytes).meta['00020010']?.Value).toEqual([f.transferSyntax]);
      f.canaries.forEach((c) => seen.add(c));
    }
    expect([...seen].sort()).toEqual([...canaries].sort());
  });
});
