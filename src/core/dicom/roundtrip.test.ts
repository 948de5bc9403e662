import { describe, expect, it } from 'vitest';
import { FIXTURES, readFixture } from '../../../test/fixtures';
import { inflateDataset } from './deflate';
import { parseFile } from './parse';
import { emptyPatch, writeFile } from './write';

describe('read then write with no change', () => {
  for (const fixture of FIXTURES) {
    it(`gives back ${fixture.file} (${fixture.transferSyntax})`, () => {
      const input = readFixture(fixture.file);
      const parsed = parseFile(input, fixture.file);
      expect(parsed.transferSyntax.uid).toBe(fixture.transferSyntax);
      expect(parsed.dataset.elements.length).toBeGreaterThan(0);
      const output = writeFile(parsed, emptyPatch());
      if (!fixture.deflated) {
        expect(Buffer.from(output).equals(Buffer.from(input))).toBe(true);
        return;
      }
      // Deflated: the same inflated dataset (deflate streams differ between compressors).
      expect(
        Buffer.from(output.subarray(0, parsed.datasetOffset)).equals(
          Buffer.from(input.subarray(0, parsed.datasetOffset)),
        ),
      ).toBe(true);
      const again = inflateDataset(
        output.subarray(parsed.datasetOffset),
        fixture.file,
        parsed.datasetOffset,
      );
      expect(
        Buffer.from(again).equals(Buffer.from(parsed.bytes.subarray(parsed.datasetOffset))),
      ).toBe(true);
    });
  }
});
