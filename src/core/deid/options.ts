/**
 * The PS3.15 Annex E options Veil implements, with their standard names, their CID 7050 code,
 * the column key of Table E.1-1, a one-line explanation for the UI and the CLI flag.
 */
export const OPTION_NAMES = [
  'RetainSafePrivate',
  'RetainUIDs',
  'RetainDeviceIdent',
  'RetainInstitutionIdent',
  'RetainPatientChars',
  'RetainLongFullDates',
  'RetainLongModifDates',
  'CleanDesc',
  'CleanStructCont',
  'CleanGraph',
] as const;

export type OptionName = (typeof OPTION_NAMES)[number];

export interface OptionInfo {
  readonly name: OptionName;
  /** The option's name in PS3.15 and CID 7050. */
  readonly standardName: string;
  /** CID 7050 code value (coding scheme DCM). */
  readonly code: string;
  readonly flag: string;
  readonly explanation: string;
}

export const BASIC_PROFILE_CODE = {
  value: '113100',
  meaning: 'Basic Application Confidentiality Profile',
} as const;

export const OPTIONS: Readonly<Record<OptionName, OptionInfo>> = {
  RetainSafePrivate: {
    name: 'RetainSafePrivate',
    standardName: 'Retain Safe Private Option',
    code: '113111',
    flag: '--retain-safe-private',
    explanation:
      'Keep the private attributes listed as safe in PS3.15 Table E.3.10-1; remove every other private attribute.',
  },
  RetainUIDs: {
    name: 'RetainUIDs',
    standardName: 'Retain UIDs Option',
    code: '113110',
    flag: '--retain-uids',
    explanation:
      'Keep the original Study, Series, Instance and other UIDs instead of replacing them.',
  },
  RetainDeviceIdent: {
    name: 'RetainDeviceIdent',
    standardName: 'Retain Device Identity Option',
    code: '113109',
    flag: '--retain-device-identity',
    explanation:
      'Keep device serial numbers, station names and similar identifiers of the equipment.',
  },
  RetainInstitutionIdent: {
    name: 'RetainInstitutionIdent',
    standardName: 'Retain Institution Identity Option',
    code: '113112',
    flag: '--retain-institution-identity',
    explanation: 'Keep the names and addresses of the institution and department.',
  },
  RetainPatientChars: {
    name: 'RetainPatientChars',
    standardName: 'Retain Patient Characteristics Option',
    code: '113108',
    flag: '--retain-patient-characteristics',
    explanation: "Keep the patient's sex, age, size, weight and similar physical characteristics.",
  },
  RetainLongFullDates: {
    name: 'RetainLongFullDates',
    standardName: 'Retain Longitudinal Temporal Information Full Dates Option',
    code: '113106',
    flag: '--retain-long-full-dates',
    explanation: 'Keep all dates and times unchanged.',
  },
  RetainLongModifDates: {
    name: 'RetainLongModifDates',
    standardName: 'Retain Longitudinal Temporal Information Modified Dates Option',
    code: '113107',
    flag: '--retain-long-modified-dates',
    explanation: 'Shift dates by a per-patient offset, so intervals between studies are kept.',
  },
  CleanDesc: {
    name: 'CleanDesc',
    standardName: 'Clean Descriptors Option',
    code: '113105',
    flag: '--clean-descriptors',
    explanation:
      'Keep descriptions and comments, cleaned of identifying text, instead of removing them.',
  },
  CleanStructCont: {
    name: 'CleanStructCont',
    standardName: 'Clean Structured Content Option',
    code: '113104',
    flag: '--clean-structured-content',
    explanation:
      'Keep structured report content, cleaned of identifying values, instead of replacing it.',
  },
  CleanGraph: {
    name: 'CleanGraph',
    standardName: 'Clean Graphics Option',
    code: '113103',
    flag: '--clean-graphics',
    explanation:
      'Keep overlays and graphic annotations, cleaned of identifying text, instead of removing them.',
  },
};

export function isOptionName(value: unknown): value is OptionName {
  return typeof value === 'string' && (OPTION_NAMES as readonly string[]).includes(value);
}
