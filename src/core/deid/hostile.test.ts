import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FIXTURES, readFixture } from '../../../test/fixtures';
import { parseFile } from '../dicom/parse';
import { deidentify } from './deidentify';
import { buildPlan } from './plan';
import { defaultProfile } from './profile';
import { createProjectKey } from './projectKey';

const plan = buildPlan(defaultProfile());
const key = createProjectKey(new Uint8Array(32).map((_, i) => i + 1));
const fixtures = FIXTURES.filter((f) => !f.deflated).map((f) => ({
  name: f.file,
  bytes: readFixture(f.file),
}));

/** Either a coded failure with no bytes, or an output that parses again: never a throw, never half. */
function expectClosed(bytes: Uint8Array, fileName: string): void {
  const result = deidentify(bytes, plan, { fileName, key, detail: 'counts' });
  if (result.ok) {
    expect(() => parseFile(result.bytes, fileName)).not.toThrow();
  } else {
    expect(result.error.code).toMatch(/^[A-Z_]+$/);
    expect(result.error.fileName).toBe(fileName);
    expect(result).not.toHaveProperty('bytes');
  }
}

describe('hostile input fails closed', () => {
  it('survives truncation at any offset of any fixture', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: fixtures.length - 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (i, at) => {
          const { name, bytes } = fixtures[i]!;
          expectClosed(bytes.subarray(0, Math.floor(bytes.length * at)), name);
        },
      ),
      { numRuns: 300, seed: 1234 },
    );
  });

  it('survives random byte flips in the header region', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: fixtures.length - 1 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 4095 }), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        }),
        (i, flips) => {
          const { name, bytes } = fixtures[i]!;
          const copy = Uint8Array.from(bytes);
          for (const [at, value] of flips) if (at < copy.length) copy[at] = value;
          expectClosed(copy, name);
        },
      ),
      { numRuns: 300, seed: 4321 },
    );
  });

  it('names the problem for empty, non-DICOM and truncated files', () => {
    const png = new Uint8Array([
      0x89,
      0x50,
      0x4e,
      0x47,
      0x0d,
      0x0a,
      0x1a,
      0x0a,
      ...new Array(200).fill(0),
    ]);
    const cases: [string, Uint8Array, string][] = [
      ['empty.dcm', new Uint8Array(0), 'NOT_DICOM'],
      ['image.png', png, 'NOT_DICOM'],
      [
        'notes.txt',
        new TextEncoder().encode('Patient notes, not an image at all.\n'.repeat(10)),
        'NOT_DICOM',
      ],
      ['cut.dcm', readFixture('CT_small.dcm').subarray(0, 1000), 'TRUNCATED'],
    ];
    for (const [name, bytes, code] of cases) {
      const result = deidentify(bytes, plan, { fileName: name, key });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).toMatchObject({ code, fileName: name });
    }
  });
});
