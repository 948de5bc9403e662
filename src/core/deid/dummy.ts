/**
 * Dummy values for the D action: valid for the VR (so a Type 1 attribute stays conformant) and
 * carrying nothing of the original. UIDs are never dummies: D on a UID remaps it with the key, so
 * references stay consistent.
 */
const DUMMY_TEXT: Readonly<Record<string, string>> = {
  AE: 'ANONYMOUS',
  AS: '000Y',
  CS: 'ANONYMIZED',
  DA: '19000101',
  DS: '0',
  DT: '19000101000000',
  IS: '0',
  LO: 'ANONYMIZED',
  LT: 'ANONYMIZED',
  PN: 'ANONYMIZED',
  SH: 'ANONYMIZED',
  ST: 'ANONYMIZED',
  TM: '000000',
  UC: 'ANONYMIZED',
  UR: 'urn:veil:anonymized',
  UT: 'ANONYMIZED',
};

export function dummyText(vr: string): string | undefined {
  return DUMMY_TEXT[vr];
}
