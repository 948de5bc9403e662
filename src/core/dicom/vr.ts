/**
 * Value Representations (PS3.5 §6.2) as the reader and writer need them.
 */

/** VRs whose explicit-VR header has 2 reserved bytes and a 32-bit length (PS3.5 §7.1.2). */
const LONG_HEADER_VRS = new Set([
  'OB',
  'OD',
  'OF',
  'OL',
  'OV',
  'OW',
  'SQ',
  'SV',
  'UC',
  'UN',
  'UR',
  'UT',
  'UV',
]);

/** Character-string VRs: padded with a space, except UI (NUL). */
const STRING_VRS = new Set([
  'AE',
  'AS',
  'CS',
  'DA',
  'DS',
  'DT',
  'IS',
  'LO',
  'LT',
  'PN',
  'SH',
  'ST',
  'TM',
  'UC',
  'UI',
  'UR',
  'UT',
]);

/** Text VRs whose characters depend on Specific Character Set (PS3.5 §6.1.2.3). */
const TEXT_VRS = new Set(['LO', 'LT', 'PN', 'SH', 'ST', 'UC', 'UT']);

/** Fixed-size binary numbers: bytes per value. */
const NUMBER_SIZE: Readonly<Record<string, number>> = {
  US: 2,
  SS: 2,
  UL: 4,
  SL: 4,
  FL: 4,
  FD: 8,
  AT: 4,
  UV: 8,
  SV: 8,
};

/** Maximum length in characters (PS3.5 Table 6.2-1), for values Veil writes. */
const MAX_LENGTH: Readonly<Record<string, number>> = {
  AE: 16,
  AS: 4,
  CS: 16,
  DA: 8,
  DS: 16,
  DT: 26,
  IS: 12,
  LO: 64,
  PN: 64,
  SH: 16,
  ST: 1024,
  TM: 14,
  UI: 64,
};

export const KNOWN_VRS = new Set([...LONG_HEADER_VRS, ...STRING_VRS, ...Object.keys(NUMBER_SIZE)]);

export const hasLongHeader = (vr: string): boolean => LONG_HEADER_VRS.has(vr);
export const isStringVr = (vr: string): boolean => STRING_VRS.has(vr);
export const isTextVr = (vr: string): boolean => TEXT_VRS.has(vr);
export const numberSize = (vr: string): number | undefined => NUMBER_SIZE[vr];
export const maxLength = (vr: string): number | undefined => MAX_LENGTH[vr];
/** UI is padded with NUL, every other string VR with a space; binary VRs with 0. */
export const paddingByte = (vr: string): number =>
  vr === 'UI' || !STRING_VRS.has(vr) ? 0x00 : 0x20;
/** Multi-valued strings are separated by backslash, except in the VRs where it is an ordinary character. */
export const isMultiValuedString = (vr: string): boolean =>
  STRING_VRS.has(vr) && vr !== 'LT' && vr !== 'ST' && vr !== 'UT' && vr !== 'UR';
