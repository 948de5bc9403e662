import { readdirSync, readFileSync } from 'node:fs';
import { createInflateRaw, crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { deidentify } from '../../src/core/deid/deidentify';
import { buildPlan } from '../../src/core/deid/plan';
import { defaultProfile } from '../../src/core/deid/profile';
import { createProjectKey } from '../../src/core/deid/projectKey';
import type { DeidResult } from '../../src/core/deid/types';
import { MAX_INFLATED_BYTES } from '../../src/core/dicom/deflate';
import { parseFile } from '../../src/core/dicom/parse';
import {
  isInstanceSummary,
  readInstanceSummary,
  type InstanceSummary,
} from '../../src/core/dicom/parseHeader';
import { MAX_DEPTH } from '../../src/core/dicom/parseNormalize';
import type { VeilErrorData } from '../../src/core/errors';
import {
  meets,
  outcomeOf,
  quotedPhi,
  readCorpusFile,
  readManifest,
  veilErrorCodes,
} from './corpus';
import { CORPUS_DIR, generateCorpus, MANIFEST, manifestOf, sha256 } from './generate';
import { layFile } from './layout';

/**
 * Every file of the committed hostile corpus through the engine (deidentify with the basic profile)
 * and through the import's header reader: each must end within a time bound, as a result or a coded
 * VeilError that names the file, quotes nothing from it and carries no bytes, and with the outcome
 * MANIFEST.json expects.
 */

/**
 * A hang check, not a benchmark: most files take a few milliseconds and the deflate bomb about half
 * a second; the bound leaves room for a busy CI machine (a hang never ends at all).
 */
const TIME_BOUND_MS = 5000;

const manifest = readManifest();
const plan = buildPlan(defaultProfile());
const key = createProjectKey(new Uint8Array(32).map((_, i) => 255 - i));
const CODES = veilErrorCodes();
/** The corpus's own patient: its name and ID must never survive into an output. */
const OWN_PATIENT = ['HOSTILEFAMILY', 'HOSTILEGIVEN', 'HOSTILEPID0001'];

interface Timed<T> {
  readonly result: T;
  readonly ms: number;
}

const deidResults = new Map<string, Timed<DeidResult>>();
const headerResults = new Map<string, Timed<InstanceSummary | VeilErrorData>>();

function timed<T>(run: () => T): Timed<T> {
  const start = performance.now();
  const result = run();
  return { result, ms: performance.now() - start };
}

function deidOf(file: string): Timed<DeidResult> {
  let done = deidResults.get(file);
  if (!done) {
    const bytes = readCorpusFile(file);
    done = timed(() => deidentify(bytes, plan, { fileName: file, key, detail: 'counts' }));
    deidResults.set(file, done);
  }
  return done;
}

function headerOf(file: string): Timed<InstanceSummary | VeilErrorData> {
  let done = headerResults.get(file);
  if (!done) {
    const bytes = readCorpusFile(file);
    done = timed(() => readInstanceSummary(bytes, file));
    headerResults.set(file, done);
  }
  return done;
}

function expectCodedError(error: VeilErrorData, file: string, phi: readonly string[]): void {
  expect(error.name).toBe('VeilError');
  expect(CODES.has(error.code), `${error.code} is a VeilErrorCode`).toBe(true);
  expect(error.fileName).toBe(file);
  expect(error.message).toMatch(/\S/);
  expect(quotedPhi(error.message, phi), 'values from the file quoted in the message').toEqual([]);
}

describe('the hostile corpus', () => {
  it('is exactly what generate.ts makes (regenerated in memory, compared by SHA-256)', () => {
    const fresh = generateCorpus();
    const committed = JSON.parse(readFileSync(`${CORPUS_DIR}${MANIFEST}`, 'utf8')) as unknown;
    expect(committed).toEqual(JSON.parse(JSON.stringify(manifestOf(fresh.entries))));
    const files = readdirSync(CORPUS_DIR).filter((name) => name !== MANIFEST);
    expect(files.sort()).toEqual([...fresh.files.keys()].sort());
    for (const [name, bytes] of fresh.files) {
      expect(sha256(readCorpusFile(name)), name).toBe(sha256(bytes));
    }
  });

  it('is commit-sized and covers every kind of damage the issue names', () => {
    const total = manifest.entries.reduce((n, e) => n + e.bytes, 0);
    expect(total).toBeLessThan(3 * 1024 * 1024);
    const files = manifest.entries.map((e) => e.file);
    for (const pattern of [
      /^truncated-/,
      /^flipped-/,
      /ffffffff/,
      /larger-than-file/,
      /^nesting-10000-.*-defined/,
      /^nesting-10000-.*-undefined/,
      /no-delimiter/,
      /^not-dicom-empty/,
      /\.png$/,
      /\.pdf$/,
      /\.txt$/,
      /zip-bomb\.zip$/,
      /^deflate-bomb/,
      /^vr-/,
      /^odd-/,
      /^structure-dicm-then/,
    ]) {
      expect(
        files.some((f) => pattern.test(f)),
        String(pattern),
      ).toBe(true);
    }
    // The 64/65 nesting pair straddles the strict reader's limit; regenerate if the limit moves.
    expect(MAX_DEPTH).toBe(64);
  });

  it('holds a real zip bomb: 4 overlapping entries of 1 GiB each, CRC-valid, from ~1 MB', async () => {
    const zip = readCorpusFile('not-dicom-zip-bomb.zip');
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    const eocd = zip.length - 22;
    expect(view.getUint32(eocd, true)).toBe(0x06054b50);
    const count = view.getUint16(eocd + 10, true);
    let at = view.getUint32(eocd + 16, true);
    const entries: { crc: number; compressed: number; size: number; offset: number }[] = [];
    for (let i = 0; i < count; i++) {
      expect(view.getUint32(at, true)).toBe(0x02014b50);
      entries.push({
        crc: view.getUint32(at + 16, true),
        compressed: view.getUint32(at + 20, true),
        size: view.getUint32(at + 24, true),
        offset: view.getUint32(at + 42, true),
      });
      at += 46 + view.getUint16(at + 28, true) + view.getUint16(at + 30, true);
    }
    expect(count).toBe(4);
    expect(new Set(entries.map((e) => e.offset))).toEqual(new Set([0]));
    const total = entries.reduce((n, e) => n + e.size, 0);
    expect(total).toBeGreaterThanOrEqual(4 * 2 ** 30 - 1024);
    expect(zip.length).toBeLessThan(total / 1000);
    const entry = entries[0]!;
    const data = zip.subarray(
      30 + view.getUint16(26, true),
      30 + view.getUint16(26, true) + entry.compressed,
    );
    const { size, crc } = await inflateCount(data);
    expect(size).toBe(entry.size);
    expect(crc).toBe(entry.crc);
  }, 60_000);

  it('holds a real deflate bomb: the dataset inflates past the engine limit', async () => {
    const bytes = readCorpusFile('deflate-bomb.dcm');
    const lay = layFile(bytes);
    expect(lay.transferSyntax).toBe('1.2.840.10008.1.2.1.99');
    const { size } = await inflateCount(bytes.subarray(lay.datasetStart));
    expect(size).toBeGreaterThan(MAX_INFLATED_BYTES);
  }, 60_000);
});

/** Inflates a raw deflate stream with Node's zlib (an inflater independent of fflate), counting. */
function inflateCount(data: Uint8Array): Promise<{ size: number; crc: number }> {
  return new Promise((resolve, reject) => {
    let size = 0;
    let crc = 0;
    const inflater = createInflateRaw({ chunkSize: 1 << 20 });
    inflater.on('data', (chunk: Buffer) => {
      size += chunk.length;
      crc = crc32(chunk, crc);
    });
    inflater.on('end', () => resolve({ size, crc }));
    inflater.on('error', reject);
    inflater.end(data);
  });
}

describe.each(manifest.entries.map((e) => [e.file, e] as const))('%s', (file, entry) => {
  it('de-identifies or fails closed, in time, with a coded error naming the file', () => {
    const { result, ms } = deidOf(file);
    expect(ms, `deidentify took ${Math.round(ms)} ms`).toBeLessThan(TIME_BOUND_MS);
    expect(result.fileName).toBe(file);
    if (result.ok) {
      // What comes out is a whole, strictly readable file without the corpus's own patient.
      expect(() => parseFile(result.bytes, file)).not.toThrow();
      const text = Buffer.from(result.bytes).toString('latin1');
      expect(quotedPhi(text, OWN_PATIENT)).toEqual([]);
    } else {
      expect(result).not.toHaveProperty('bytes');
      expectCodedError(result.error, file, entry.phi);
    }
  });

  it('reads its header or says why, in time', () => {
    const { result, ms } = headerOf(file);
    expect(ms, `the header reader took ${Math.round(ms)} ms`).toBeLessThan(TIME_BOUND_MS);
    if (!isInstanceSummary(result)) expectCodedError(result, file, entry.phi);
  });
});

describe('outcomes match MANIFEST.json', () => {
  // One list per reader, so one root cause shows as one readable diff rather than dozens of tests.
  it('deidentify', () => {
    const wrong = manifest.entries.flatMap((entry) => {
      const { result } = deidOf(entry.file);
      const actual = outcomeOf(result.ok ? undefined : result.error.code);
      return meets(actual, entry.expect.deidentify)
        ? []
        : [`${entry.file}: expected ${entry.expect.deidentify}, got ${actual}`];
    });
    expect(wrong).toEqual([]);
  });

  it('header reader', () => {
    const wrong = manifest.entries.flatMap((entry) => {
      const { result } = headerOf(entry.file);
      const actual = outcomeOf(isInstanceSummary(result) ? undefined : result.code);
      return meets(actual, entry.expect.header)
        ? []
        : [`${entry.file}: expected ${entry.expect.header}, got ${actual}`];
    });
    expect(wrong).toEqual([]);
  });
});
