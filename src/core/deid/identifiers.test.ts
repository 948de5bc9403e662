import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanText, type Identifiers } from './identifiers';

const identifiers = (...values: string[]): Identifiers => {
  const sorted = [...values].sort((a, b) => b.length - a.length);
  return { values: sorted, needles: sorted.map((v) => v.toLowerCase()) };
};

/** The definition cleanText implements: one case-insensitive alternation, longest first. */
function byPattern(text: string, ids: Identifiers): string {
  const escaped = ids.values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const named =
    escaped.length > 0 ? text.replace(new RegExp(escaped.join('|'), 'gi'), '***') : text;
  return named.replace(/\d{6,}/g, '***');
}

describe('cleanText', () => {
  it('redacts names, their parts and long digit runs, whatever the case', () => {
    const ids = identifiers('DOE^JOHN', 'DOE', 'JOHN', 'St. Mary Hospital');
    expect(cleanText('Seen by john doe at st. mary hospital, MRN 1234567', ids)).toBe(
      'Seen by *** *** at ***, MRN ***',
    );
    expect(cleanText('DOE^JOHN', ids)).toBe('***');
    expect(cleanText('nothing here 12345', ids)).toBe('nothing here 12345');
  });

  it('prefers the longest value at a position, as the alternation does', () => {
    const ids = identifiers('ANNA', 'ANNABELLE');
    expect(cleanText('annabelle and anna', ids)).toBe('*** and ***');
  });

  it('handles text whose lower case has another length', () => {
    // U+0130 (İ) lower-cases to two code units: the pattern path takes over.
    const ids = identifiers('SMITH');
    expect(cleanText('İ smith', ids)).toBe('İ ***');
  });

  it('agrees with the regular-expression definition on random text and values', () => {
    const alphabet = fc.constantFrom(...'abAB ^.1234567890-xyzİ'.split(''));
    const word = fc.string({ unit: alphabet, minLength: 3, maxLength: 6 });
    fc.assert(
      fc.property(
        fc.uniqueArray(word, { maxLength: 5 }),
        fc.string({ unit: alphabet, maxLength: 60 }),
        (values, text) => {
          const ids = identifiers(...values);
          expect(cleanText(text, ids)).toBe(byPattern(text, ids));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
