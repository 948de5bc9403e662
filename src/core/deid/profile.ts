import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { VeilError } from '../errors';
import { isOptionName, OPTION_NAMES } from './options';
import type { OptionName } from './options';
import { isShiftDays, MAX_SHIFT_DAYS, suggestion, validateRules } from './profileRules';
import type { CustomRule, DateShift, Profile, PseudonymSource } from './types';

/**
 * The Basic Application Confidentiality Profile with no option. The keyed date shift only matters
 * once RetainLongModifDates is chosen; pseudonyms are derived from the project key.
 */
export function defaultProfile(): Profile {
  return {
    format: 'veil-profile',
    version: 1,
    name: 'Basic profile',
    options: [],
    dateShift: { kind: 'keyed', maxDays: 365 },
    pseudonyms: { kind: 'keyed', prefix: 'ANON' },
    rules: [],
  };
}

export interface Preset {
  readonly label: string;
  readonly description: string;
  readonly options: readonly OptionName[];
}

/** Named option sets for common purposes; each is only a starting point a person can edit. */
export const PRESETS = {
  // Nothing kept beyond what the basic profile keeps: the safe default when in doubt.
  basic: {
    label: 'Basic profile',
    description: 'Removes or replaces every identifying attribute; keeps nothing optional.',
    options: [],
  },
  // Trial submissions need visit intervals and the physical characteristics used in analysis.
  'clinical-trial': {
    label: 'Clinical trial',
    description:
      'Dates shifted per patient (intervals kept), sex/age/size/weight kept, descriptions cleaned.',
    options: ['RetainLongModifDates', 'RetainPatientChars', 'CleanDesc'],
  },
  // Pooling scanners across sites: harmonisation needs the device and its acquisition parameters.
  'multicentre-research': {
    label: 'Multi-centre research',
    description:
      'Shifted dates, patient characteristics, device identity and safe private acquisition tags kept.',
    options: [
      'RetainLongModifDates',
      'RetainPatientChars',
      'RetainDeviceIdent',
      'RetainSafePrivate',
    ],
  },
  // Teaching files: no dates, no identities, but the case must still read.
  teaching: {
    label: 'Teaching file',
    description: 'All dates and identities removed; descriptions and annotations cleaned and kept.',
    options: ['CleanDesc', 'CleanGraph'],
  },
  // Equipment QA inside the institution: trace back to scanner, site and original study.
  'internal-qa': {
    label: 'Internal equipment QA',
    description: 'Patient identity removed; device, institution, real dates and UIDs kept.',
    options: ['RetainDeviceIdent', 'RetainInstitutionIdent', 'RetainLongFullDates', 'RetainUIDs'],
  },
} as const satisfies Record<string, Preset>;

export type PresetId = keyof typeof PRESETS;

export const isPresetId = (value: string): value is PresetId => Object.hasOwn(PRESETS, value);

export function profileFromPreset(id: PresetId): Profile {
  const preset: Preset = PRESETS[id];
  return { ...defaultProfile(), name: preset.label, options: sortOptions(preset.options) };
}

const PROFILE_FIELDS = [
  'format',
  'version',
  'name',
  'options',
  'dateShift',
  'pseudonyms',
  'rules',
] as const;
const PREFIX = /^[A-Za-z0-9_-]{1,16}$/;

/**
 * Reads a profile file. `format` and `version` are required; the other fields default to those of
 * defaultProfile(). Every problem is collected first, so that one error lists all of them.
 */
export function parseProfile(json: string): Profile {
  let data: unknown;
  try {
    data = JSON.parse(json.replace(/^\uFEFF/, ''));
  } catch (error) {
    const detail = error instanceof Error ? `: ${error.message}` : '';
    throw new VeilError('BAD_PROFILE', `the profile is not valid JSON${detail}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new VeilError('BAD_PROFILE', 'the profile must be a JSON object');
  }
  const raw = data as Record<string, unknown>;
  const problems: string[] = [];
  const fallback = defaultProfile();

  for (const field of Object.keys(raw)) {
    if (!(PROFILE_FIELDS as readonly string[]).includes(field)) {
      problems.push(`unknown field "${field}"${suggestion(field, PROFILE_FIELDS)}`);
    }
  }
  if (raw.format !== 'veil-profile') problems.push('"format" must be "veil-profile"');
  if (raw.version !== 1) problems.push('"version" must be 1 (the only version this Veil reads)');

  let name = fallback.name;
  if (raw.name !== undefined) {
    if (typeof raw.name !== 'string' || raw.name.trim() === '' || raw.name.length > 200) {
      problems.push('"name" must be a non-empty string of at most 200 characters');
    } else {
      name = raw.name;
    }
  }

  const options = raw.options === undefined ? [] : parseOptions(raw.options, problems);
  const dateShift =
    raw.dateShift === undefined ? fallback.dateShift : parseDateShift(raw.dateShift, problems);
  const pseudonyms =
    raw.pseudonyms === undefined ? fallback.pseudonyms : parsePseudonyms(raw.pseudonyms, problems);
  let rules: CustomRule[] = [];
  if (raw.rules !== undefined) {
    if (Array.isArray(raw.rules)) rules = validateRules(raw.rules, problems);
    else problems.push('"rules" must be an array');
  }

  if (problems.length > 0) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    throw new VeilError(
      'BAD_PROFILE',
      `the profile has ${count}:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
  return {
    format: 'veil-profile',
    version: 1,
    name,
    options,
    dateShift: dateShift!,
    pseudonyms: pseudonyms!,
    rules,
  };
}

function parseOptions(value: unknown, problems: string[]): OptionName[] {
  if (!Array.isArray(value)) {
    problems.push('"options" must be an array of option names');
    return [];
  }
  const found: OptionName[] = [];
  value.forEach((option: unknown, index) => {
    if (!isOptionName(option)) {
      const shown = typeof option === 'string' ? `"${option}"` : JSON.stringify(option);
      const hint = typeof option === 'string' ? suggestion(option, OPTION_NAMES) : '';
      problems.push(
        `options[${index}]: unknown option ${shown}${hint}; known: ${OPTION_NAMES.join(', ')}`,
      );
    } else if (found.includes(option)) {
      problems.push(`options[${index}]: ${option} is listed twice`);
    } else {
      found.push(option);
    }
  });
  // PS3.15 E.3.6: full dates and modified dates are alternatives for the same attributes.
  if (found.includes('RetainLongFullDates') && found.includes('RetainLongModifDates')) {
    problems.push(
      'options: RetainLongFullDates and RetainLongModifDates exclude each other; choose one',
    );
  }
  return sortOptions(found);
}

function parseDateShift(value: unknown, problems: string[]): DateShift | undefined {
  const fields = fieldsOf(value, 'dateShift', problems);
  if (!fields) return undefined;
  if (fields.kind === 'keyed') {
    checkFields(fields, ['kind', 'maxDays'], 'dateShift', problems);
    const { maxDays } = fields;
    if (
      typeof maxDays !== 'number' ||
      !Number.isInteger(maxDays) ||
      maxDays < 1 ||
      maxDays > MAX_SHIFT_DAYS
    ) {
      problems.push(`dateShift: "maxDays" must be an integer from 1 to ${MAX_SHIFT_DAYS}`);
      return undefined;
    }
    return { kind: 'keyed', maxDays };
  }
  if (fields.kind === 'fixed') {
    checkFields(fields, ['kind', 'days'], 'dateShift', problems);
    if (!isShiftDays(fields.days)) {
      problems.push(
        `dateShift: "days" must be a non-zero integer between -${MAX_SHIFT_DAYS} and ${MAX_SHIFT_DAYS} (0 would keep the real dates)`,
      );
      return undefined;
    }
    return { kind: 'fixed', days: fields.days };
  }
  problems.push('dateShift: "kind" must be "keyed" or "fixed"');
  return undefined;
}

function parsePseudonyms(value: unknown, problems: string[]): PseudonymSource | undefined {
  const fields = fieldsOf(value, 'pseudonyms', problems);
  if (!fields) return undefined;
  if (fields.kind === 'keyed') {
    checkFields(fields, ['kind', 'prefix'], 'pseudonyms', problems);
    if (typeof fields.prefix !== 'string' || !PREFIX.test(fields.prefix)) {
      problems.push(
        'pseudonyms: "prefix" must be 1 to 16 letters, digits, "_" or "-" (it goes into Patient ID)',
      );
      return undefined;
    }
    return { kind: 'keyed', prefix: fields.prefix };
  }
  if (fields.kind === 'table') {
    checkFields(fields, ['kind'], 'pseudonyms', problems);
    return { kind: 'table' };
  }
  problems.push('pseudonyms: "kind" must be "keyed" or "table"');
  return undefined;
}

function fieldsOf(
  value: unknown,
  at: string,
  problems: string[],
): Record<string, unknown> | undefined {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return value as Record<string, unknown>;
  }
  problems.push(`"${at}" must be an object`);
  return undefined;
}

function checkFields(
  fields: Record<string, unknown>,
  known: readonly string[],
  at: string,
  problems: string[],
): void {
  for (const field of Object.keys(fields)) {
    if (!known.includes(field)) {
      problems.push(`${at}: unknown field "${field}"${suggestion(field, known)}`);
    }
  }
}

/** Options are a set: keep them in OPTION_NAMES order so equal sets serialize and hash equally. */
function sortOptions(options: readonly OptionName[]): OptionName[] {
  return OPTION_NAMES.filter((name) => options.includes(name));
}

/** The profile with a fixed key order and no undefined fields: what is written and hashed. */
function normalize(p: Profile): Profile {
  return {
    format: p.format,
    version: p.version,
    name: p.name,
    options: sortOptions(p.options),
    dateShift:
      p.dateShift.kind === 'keyed'
        ? { kind: 'keyed', maxDays: p.dateShift.maxDays }
        : { kind: 'fixed', days: p.dateShift.days },
    pseudonyms:
      p.pseudonyms.kind === 'keyed'
        ? { kind: 'keyed', prefix: p.pseudonyms.prefix }
        : { kind: 'table' },
    rules: p.rules.map((r) => ({
      tag: r.tag,
      ...(r.creator !== undefined ? { creator: r.creator } : {}),
      action: r.action,
      ...(r.value !== undefined ? { value: r.value } : {}),
      ...(r.days !== undefined ? { days: r.days } : {}),
      ...(r.note !== undefined ? { note: r.note } : {}),
    })),
  };
}

/** Stable pretty JSON (fixed key order, options in canonical order, trailing newline). */
export function serializeProfile(p: Profile): string {
  return `${JSON.stringify(normalize(p), null, 2)}\n`;
}

/** JSON with object keys sorted at every level and no whitespace. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 (hex) of the canonical JSON: names the exact rule set in reports and the audit trail. */
export function profileHash(p: Profile): string {
  return bytesToHex(sha256(utf8ToBytes(canonicalJson(normalize(p)))));
}
