import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SAFE_PRIVATE, findSafePrivate, matchSafePrivate } from './safePrivate';

interface JsonRow {
  creator: string;
  group: string;
  element_offset: string;
  vr: string | null;
  name: string | null;
}
const json = JSON.parse(
  readFileSync(new URL('./data/safe-private.json', import.meta.url), 'utf8'),
) as JsonRow[];

describe('Table E.3.10-1 Safe Private Attributes', () => {
  it('is exactly the vendored JSON: 479 rows in the table’s order', () => {
    expect(SAFE_PRIVATE).toHaveLength(479);
    expect(SAFE_PRIVATE).toEqual(
      json.map((row) => ({
        creator: row.creator,
        group: parseInt(row.group, 16),
        elementOffset: parseInt(row.element_offset, 16),
        vr: row.vr,
        name: row.name,
      })),
    );
  });

  it('has the 20 creators and per-creator counts of the README', () => {
    const counts: Record<string, number> = {};
    for (const entry of SAFE_PRIVATE) counts[entry.creator] = (counts[entry.creator] ?? 0) + 1;
    expect(counts).toEqual({
      'Philips Imaging DD 001': 184,
      'Philips Imaging DD 002': 86,
      'Philips Imaging DD 097': 70,
      'Philips Imaging DD 129': 10,
      'SIEMENS Ultrasound SC2000': 40,
      NQLeft: 22,
      NQRight: 22,
      ELSCINT1: 7,
      NQHeader: 7,
      'HOLOGIC, Inc.': 5,
      GEMS_ACQU_01: 4,
      'SIEMENS MR HEADER': 4,
      'SIEMENS SYNGO ULTRA-SOUND TOYON DATA STREAMING': 4,
      'GEIIS PACS': 3,
      GEMS_PARM_01: 3,
      GEMS_HELIOS_01: 2,
      'Philips MR Imaging DD 001': 2,
      'Philips PET Private Group': 2,
      GEMS_SERS_01: 1,
      'Philips ST80i': 1,
    });
  });

  it('lists only odd groups and one-byte offsets, with the README’s VR gaps', () => {
    expect(
      SAFE_PRIVATE.every(
        (e) => e.group % 2 === 1 && e.elementOffset >= 0 && e.elementOffset <= 0xff,
      ),
    ).toBe(true);
    expect(SAFE_PRIVATE.filter((e) => e.vr === null)).toHaveLength(5);
    expect(SAFE_PRIVATE.filter((e) => e.vr === 'OW/OB')).toHaveLength(2);
    expect(SAFE_PRIVATE.filter((e) => e.name === null)).toHaveLength(2);
  });
});

describe('findSafePrivate', () => {
  it('finds rows by creator, odd group and low byte', () => {
    expect(findSafePrivate('ELSCINT1', 0x00e1, 0x21)).toMatchObject({ vr: 'DS', name: 'DLP' });
    expect(findSafePrivate('SIEMENS MR HEADER', 0x0019, 0x0c)).toMatchObject({
      creator: 'SIEMENS MR HEADER',
    });
    expect(findSafePrivate('HOLOGIC, Inc.', 0x7e01, 0x01)?.creator).toBe('HOLOGIC, Inc.');
    expect(findSafePrivate('Philips PET Private Group', 0x7053, 0x00)?.name).toMatch(/^SUV Factor/);
  });

  it('finds every row of the table', () => {
    for (const entry of SAFE_PRIVATE) {
      expect(matchSafePrivate(entry.creator, entry.group, entry.elementOffset)).toEqual({
        entry,
        caseExact: true,
      });
    }
  });

  it('ignores LO padding: trailing spaces or NULs, leading spaces', () => {
    expect(findSafePrivate('ELSCINT1 ', 0x00e1, 0x21)?.name).toBe('DLP');
    expect(findSafePrivate('GEMS_ACQU_01\0', 0x0019, 0x23)?.name).toBe('Table Speed [mm/rotation]');
    expect(findSafePrivate(' ELSCINT1', 0x00e1, 0x21)?.name).toBe('DLP');
  });

  it('matches ignoring case only as a second try, and says so', () => {
    expect(matchSafePrivate('elscint1', 0x00e1, 0x21)).toMatchObject({
      caseExact: false,
      entry: { name: 'DLP' },
    });
    expect(matchSafePrivate('SIEMENS MR Header', 0x0019, 0x0c)?.caseExact).toBe(false);
  });

  it('needs creator, group and element to all match', () => {
    expect(findSafePrivate('ELSCINT1', 0x00e1, 0x22)).toBeUndefined();
    expect(findSafePrivate('ELSCINT1', 0x00e3, 0x21)).toBeUndefined();
    expect(findSafePrivate('ELSCINT2', 0x00e1, 0x21)).toBeUndefined();
    // inner spaces are part of the published creator
    expect(findSafePrivate('SIEMENS  MR HEADER', 0x0019, 0x0c)).toBeUndefined();
    expect(findSafePrivate('', 0x0019, 0x0c)).toBeUndefined();
  });
});
