import { describe, expect, it } from 'vitest';
import { FIXTURES, readFixture } from '../../../test/fixtures';
import { inflateDataset } from './deflate';
import { parseFile } from './parse';
import type { ParsedDataset, ParsedFile } from './model';
import { emptyPatch, writeFile, writeParts } from './write';

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

describe('the structural copy the post-check reads', () => {
  for (const fixture of FIXTURES) {
    it(`of ${fixture.file} parses to the same elements as the file, bulk values left out`, () => {
      const input = readFixture(fixture.file);
      const parsed = parseFile(input, fixture.file);
      const parts = writeParts(parsed, emptyPatch());
      const whole = parts.concat();
      const structural = parts.structuralCopy();
      expect(structural.length).toBe(whole.length);
      const again = parseFile(structural, fixture.file);
      const shape = (file: ParsedFile) => {
        const out: string[] = [];
        const visit = (dataset: ParsedDataset, depth: number) => {
          for (const e of dataset.elements) {
            out.push(`${depth}:${e.tag}:${e.vr}:${e.start}:${e.length}:${e.end}`);
            e.items?.forEach((item) => visit(item.dataset, depth + 1));
          }
        };
        visit(file.dataset, 0);
        return out;
      };
      expect(shape(again)).toEqual(shape(parsed));
      // Every byte that differs lies in an opaque part, and every opaque part is bulk data.
      let at = 0;
      const opaque = new Set(parts.opaque);
      parts.parts.forEach((part, index) => {
        const same = Buffer.from(structural.subarray(at, at + part.length)).equals(part);
        if (!opaque.has(index)) expect(same).toBe(true);
        else expect(part.length).toBeGreaterThanOrEqual(4096 - 8);
        at += part.length;
      });
    });
  }

  it('leaves the native pixel data of an uncompressed image out, and only that', () => {
    const input = readFixture('CT_small.dcm');
    const parts = writeParts(parseFile(input, 'CT_small.dcm'), emptyPatch());
    expect(parts.opaque.length).toBe(1);
    const pixels = parts.parts[parts.opaque[0]!]!;
    // CT_small: 128 × 128 × 16 bits, less the 8 value bytes kept with the header.
    expect(pixels.length).toBe(128 * 128 * 2 - 8);
  });
});
