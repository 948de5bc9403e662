import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { deidentify } from '../../src/core/deid/deidentify';
import { buildPlan } from '../../src/core/deid/plan';
import { defaultProfile } from '../../src/core/deid/profile';
import { createProjectKey } from '../../src/core/deid/projectKey';
import { parseFile } from '../../src/core/dicom/parse';
import { isInstanceSummary, readInstanceSummary } from '../../src/core/dicom/parseHeader';
import { FIXTURES, readFixture } from '../fixtures';
import { makePhiFile } from '../support/phiCanaries';
import { dicomFile } from '../support/dicomBuilder';
import { TS } from '../support/transferSyntax';
import { concat } from '../support/bytes';
import { quotedPhi, veilErrorCodes } from './corpus';
import { allElements, layFile, type LaidElement } from './layout';
import { nestedSequences } from './nesting';

/**
 * Property-based hostile input (fast-check): truncation at any offset, byte flips, corrupted
 * length fields and removed delimiters, sequences nested up to 10,000 deep. For every case, both
 * readers must answer within the time bound, never throw, and either succeed (deidentify's output
 * reads back strictly) or fail closed with a coded VeilError naming the file and quoting nothing
 * from it. Seeds are fixed (VEIL_FUZZ_SEED changes them; VEIL_FUZZ_SCALE multiplies the runs).
 */

const TIME_BOUND_MS = 5000;
const SEED = Number(process.env.VEIL_FUZZ_SEED ?? 20260505);
const SCALE = Number(process.env.VEIL_FUZZ_SCALE ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));

const plan = buildPlan(defaultProfile());
const key = createProjectKey(new Uint8Array(32).map((_, i) => (i * 7 + 3) & 0xff));
const CODES = veilErrorCodes();

interface Source {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly phi: readonly string[];
}

/** The fixtures under 40 KB (every transfer syntax, SR, RT, charsets) and canary-laden builds. */
const sources: Source[] = [
  ...FIXTURES.map((f) => ({ name: f.file, bytes: readFixture(f.file), phi: [] }))
    .filter((s) => s.bytes.length < 40_000)
    .map((s) => ({ ...s, phi: patientValues(s.bytes) })),
  ...[TS.explicitLE, TS.implicitLE, TS.explicitBE, TS.deflatedLE, TS.jpeg2000].map((ts, i) => {
    const made = makePhiFile({ transferSyntax: ts, seed: 900 + i });
    return { name: `phi-${i}.dcm`, bytes: made.bytes, phi: made.canaries };
  }),
];

/** Patient's Name and ID of a fixture (read by the corpus's own lister), ≥ 4 characters. */
function patientValues(bytes: Uint8Array): string[] {
  const lay = layFile(bytes);
  return (lay.dataset ?? [])
    .filter((e) => e.tag === 0x00100010 || e.tag === 0x00100020)
    .flatMap((e) =>
      String.fromCharCode(...bytes.subarray(e.valueOffset, e.valueOffset + e.length)).split(
        /[\\^=]/,
      ),
    )
    .map((v) => v.replace(/[\0 ]+$/, '').trim())
    .filter((v) => v.length >= 4);
}

/** Every length field and delimitation item of a source, for targeted corruption. */
interface Field {
  readonly at: number;
  readonly size: 2 | 4;
  readonly value: number;
  /** The meta group is always little endian; the dataset follows its transfer syntax. */
  readonly littleEndian: boolean;
}
const targets = sources.map((source) => {
  const lay = layFile(source.bytes);
  const fields: Field[] = [];
  const delimiters: number[] = [];
  const add = (elements: readonly LaidElement[], littleEndian: boolean) => {
    for (const element of allElements(elements)) {
      const { lengthField: at, lengthSize: size, length: value } = element;
      fields.push({ at, size, value, littleEndian });
      if (element.undefinedLength) delimiters.push(element.end - 8);
      for (const item of element.items ?? []) {
        fields.push({
          at: item.lengthField,
          size: 4,
          value: item.end - item.valueOffset,
          littleEndian,
        });
        if (item.undefinedLength) delimiters.push(item.end - 8);
      }
    }
  };
  add(lay.meta, true);
  add(lay.dataset ?? [], lay.transferSyntax !== TS.explicitBE);
  return { source, fields, delimiters };
});

const counts: Record<string, number> = {};

/** The invariants, for one input. */
function check(kind: string, bytes: Uint8Array, fileName: string, phi: readonly string[]): void {
  counts[kind] = (counts[kind] ?? 0) + 1;
  let start = performance.now();
  const result = deidentify(bytes, plan, { fileName, key, detail: 'counts' });
  const deidMs = performance.now() - start;
  expect(deidMs, `deidentify took ${Math.round(deidMs)} ms`).toBeLessThan(TIME_BOUND_MS);
  expect(result.fileName).toBe(fileName);
  if (result.ok) {
    expect(() => parseFile(result.bytes, fileName)).not.toThrow();
  } else {
    expect(result).not.toHaveProperty('bytes');
    expect(result.error.name).toBe('VeilError');
    expect(CODES.has(result.error.code), result.error.code).toBe(true);
    expect(result.error.fileName).toBe(fileName);
    expect(quotedPhi(result.error.message, phi)).toEqual([]);
  }

  start = performance.now();
  const header = readInstanceSummary(bytes, fileName);
  const headerMs = performance.now() - start;
  expect(headerMs, `the header reader took ${Math.round(headerMs)} ms`).toBeLessThan(TIME_BOUND_MS);
  if (!isInstanceSummary(header)) {
    expect(CODES.has(header.code), header.code).toBe(true);
    expect(header.fileName).toBe(fileName);
    expect(quotedPhi(header.message, phi)).toEqual([]);
  }
  // What the engine can de-identify, the import must be able to list.
  if (result.ok) expect(isInstanceSummary(header), 'header of a file deidentify read').toBe(true);
}

const source = fc.integer({ min: 0, max: sources.length - 1 });

describe('hostile input, property-based', () => {
  afterAll(() => {
    const total = Object.values(counts).reduce((n, c) => n + c, 0);
    const each = Object.entries(counts)
      .map(([kind, n]) => `${kind} ${n}`)
      .join(', ');
    console.log(`hostile property cases run: ${total} (${each})`);
  });

  it('truncation at any offset', () => {
    fc.assert(
      fc.property(source, fc.double({ min: 0, max: 1, noNaN: true }), (i, at) => {
        const { name, bytes, phi } = sources[i]!;
        check('truncation', bytes.subarray(0, Math.floor(bytes.length * at)), name, phi);
      }),
      { numRuns: runs(3000), seed: SEED },
    );
  });

  it('random byte flips anywhere', () => {
    fc.assert(
      fc.property(
        source,
        fc.array(
          fc.tuple(
            fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
            fc.integer({ min: 1, max: 255 }),
          ),
          { minLength: 1, maxLength: 16 },
        ),
        (i, flips) => {
          const { name, bytes, phi } = sources[i]!;
          const copy = Uint8Array.from(bytes);
          for (const [where, xor] of flips) {
            const at = Math.floor(where * copy.length);
            copy[at] = copy[at]! ^ xor;
          }
          check('flip', copy, name, phi);
        },
      ),
      { numRuns: runs(4000), seed: SEED + 1 },
    );
  });

  it('corrupted length fields (0xFFFFFFFF, past the end, too short) and removed delimiters', () => {
    const value = (field: Field) => {
      const max = field.size === 4 ? 0xfffffffe : 0xffff;
      const choices = [
        fc.constant(field.size === 4 ? 0xffffffff : 0xffff),
        fc.integer({ min: 0, max: Math.max(0, Math.min(max, field.value) - 1) }),
        fc.constant((field.value ^ 1) >>> 0),
      ];
      if (field.value < max) choices.push(fc.integer({ min: field.value + 1, max }));
      return fc.oneof(...choices);
    };
    const corruption = source.chain((i) => {
      const { fields, delimiters } = targets[i]!;
      type Change = { kind: 'length' | 'delimiter'; f: number; v: number };
      const options: fc.Arbitrary<Change>[] = [
        fc
          .integer({ min: 0, max: fields.length - 1 })
          .chain((f) => value(fields[f]!).map((v) => ({ kind: 'length' as const, f, v }))),
      ];
      if (delimiters.length > 0) {
        options.push(
          fc
            .integer({ min: 0, max: delimiters.length - 1 })
            .map((d) => ({ kind: 'delimiter' as const, f: d, v: 0 })),
        );
      }
      return fc.tuple(fc.constant(i), fc.oneof(...options));
    });
    fc.assert(
      fc.property(corruption, ([i, change]) => {
        const { source: s, fields, delimiters } = targets[i]!;
        let bytes: Uint8Array;
        if (change.kind === 'length') {
          const field = fields[change.f]!;
          bytes = Uint8Array.from(s.bytes);
          const view = new DataView(bytes.buffer);
          if (field.size === 2) view.setUint16(field.at, change.v & 0xffff, field.littleEndian);
          else view.setUint32(field.at, change.v >>> 0, field.littleEndian);
        } else {
          const at = delimiters[change.f]!;
          bytes = concat(s.bytes.subarray(0, at), s.bytes.subarray(at + 8));
        }
        check(change.kind === 'length' ? 'length' : 'delimiter', bytes, s.name, s.phi);
      }),
      { numRuns: runs(4000), seed: SEED + 2 },
    );
  });

  it('sequences nested up to 10,000 deep, whole or cut', () => {
    const phi = ['PROPFAMILY', 'PROPID0001'];
    const base = (ts: string) =>
      dicomFile(ts)
        .str(0x00080016, 'UI', '1.2.840.10008.5.1.4.1.1.88.11')
        .str(0x00080018, 'UI', '2.25.42')
        .str(0x00100010, 'PN', 'PROPFAMILY^X')
        .str(0x00100020, 'LO', 'PROPID0001')
        .build();
    const prefixes = { explicit: base(TS.explicitLE), implicit: base(TS.implicitLE) };
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 100, max: 10_000 })),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
        (depth, explicit, undefinedLength, delimiters, cutAt) => {
          const nested = nestedSequences(depth, { explicit, undefinedLength, delimiters });
          let bytes = concat(explicit ? prefixes.explicit : prefixes.implicit, nested);
          if (cutAt !== undefined) bytes = bytes.subarray(0, Math.floor(bytes.length * cutAt));
          check('nesting', bytes, `nested-${depth}.dcm`, phi);
        },
      ),
      { numRuns: runs(1000), seed: SEED + 3 },
    );
  });
});
