import { OPTION_NAMES, type OptionName } from '../../core/deid/options';
import { buildPlan } from '../../core/deid/plan';
import {
  defaultProfile,
  parseProfile,
  PRESETS,
  serializeProfile,
  type PresetId,
} from '../../core/deid/profile';
import { parsePseudonymCsv, type PseudonymTable } from '../../core/deid/pseudonymTable';
import type { CustomRule, Profile } from '../../core/deid/types';
import { toVeilError } from '../../core/errors';
import type { LocalPorts } from '../audit/ports';
import type { KeyValueStorage, StoreDeps } from '../deps';
import type { Notice, Slice } from '../state';

/** PS3.15's two date options and the keyed or fixed shift, as one choice. */
export type DateHandling = 'remove' | 'keep' | 'keyed-shift' | 'fixed-shift';

export interface LoadedPseudonymTable {
  readonly table: PseudonymTable;
  /** Name of the CSV file (chosen by the person; shown back to them only). */
  readonly fileName: string;
  readonly patients: number;
}

export interface ProfileSlice {
  readonly profile: Profile;
  /** Why the current profile cannot be used (a bad custom rule…); null when it can. */
  readonly profileProblem: string | null;
  readonly pseudonymTable: LoadedPseudonymTable | null;
  readonly savedProfiles: readonly string[];
  readonly profileNotice: Notice | null;
  /**
   * The whole profile as a form edited it. Kept as given, so the form shows what was typed; while
   * it is not valid, `profileProblem` says why and nothing runs.
   */
  setProfile(profile: Profile): void;
  setOption(option: OptionName, on: boolean): void;
  applyPreset(id: PresetId): void;
  setDateHandling(mode: DateHandling): void;
  /** Days for the fixed shift (non-zero), or the largest keyed shift (1–36,500). */
  setShiftDays(days: number): void;
  setPseudonymPrefix(prefix: string): void;
  loadPseudonymTable(csv: string, fileName: string): void;
  useKeyedPseudonyms(): void;
  addRule(rule: CustomRule): void;
  updateRule(index: number, rule: CustomRule): void;
  removeRule(index: number): void;
  setProfileName(name: string): void;
  resetProfile(): void;
  saveProfile(): void;
  loadSavedProfile(name: string): void;
  deleteSavedProfile(name: string): void;
  importProfile(json: string): void;
  exportProfile(): void;
}

/** The profile being edited, remembered for the next visit (not sensitive: localStorage). */
const CURRENT = 'veil.profile.current.v1';
const FULL_DATES: OptionName = 'RetainLongFullDates';
const MODIFIED_DATES: OptionName = 'RetainLongModifDates';

export function dateHandlingOf(profile: Profile): DateHandling {
  if (profile.options.includes(FULL_DATES)) return 'keep';
  if (!profile.options.includes(MODIFIED_DATES)) return 'remove';
  return profile.dateShift.kind === 'keyed' ? 'keyed-shift' : 'fixed-shift';
}

/** The preset whose options are exactly the profile's, if any. */
export function presetOf(profile: Profile): PresetId | null {
  for (const [id, preset] of Object.entries(PRESETS) as [PresetId, (typeof PRESETS)[PresetId]][]) {
    const options: readonly OptionName[] = preset.options;
    if (
      options.length === profile.options.length &&
      options.every((o) => profile.options.includes(o))
    ) {
      return id;
    }
  }
  return null;
}

const inOrder = (options: Iterable<OptionName>): OptionName[] => {
  const set = new Set(options);
  return OPTION_NAMES.filter((o) => set.has(o));
};

function problemOf(profile: Profile, table: LoadedPseudonymTable | null): string | null {
  try {
    // The same checks as a profile file gets (name, prefix, shift range…), then the plan's.
    buildPlan(parseProfile(serializeProfile(profile)));
  } catch (error) {
    return toVeilError(error).message;
  }
  if (profile.pseudonyms.kind === 'table' && !table) {
    return 'Pseudonyms come from a table: load the CSV file, or switch back to keyed pseudonyms.';
  }
  return null;
}

function initialProfile(storage: KeyValueStorage | null): Profile {
  const raw = storage?.getItem(CURRENT);
  if (!raw) return defaultProfile();
  try {
    return parseProfile(raw);
  } catch {
    return defaultProfile();
  }
}

const fileSafe = (name: string): string =>
  name.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 60) || 'profile';

/** A pseudonym table kept from an earlier visit, if it still parses. */
function keptTable(csv: string | null): LoadedPseudonymTable | null {
  if (csv === null) return null;
  try {
    const table = parsePseudonymCsv(csv);
    return { table, fileName: 'kept in this browser', patients: table.size };
  } catch {
    return null;
  }
}

export const createProfileSlice =
  (deps: StoreDeps, ports: Pick<LocalPorts, 'profiles' | 'pseudonymTable'>): Slice<ProfileSlice> =>
  (set, get) => {
    const { storage } = deps;
    const shelf = ports.profiles;
    const readSaved = (): Record<string, string> => shelf.read();
    const initial = initialProfile(storage);
    const initialTable = keptTable(ports.pseudonymTable);

    /** Every change goes through here: validated, remembered for the next visit. */
    const update = (profile: Profile, notice: Notice | null = null): void => {
      // A loaded table stays loaded while the person switches back and forth.
      const problem = problemOf(profile, get().pseudonymTable);
      set({ profile, profileProblem: problem, profileNotice: notice });
      try {
        if (problem === null) storage?.setItem(CURRENT, serializeProfile(profile));
      } catch {
        // A full or disabled storage only loses the convenience of remembering.
      }
    };
    const withOptions = (options: Iterable<OptionName>): Profile => ({
      ...get().profile,
      options: inOrder(options),
    });
    const writeSaved = (saved: Record<string, string>): void => {
      shelf.write(saved);
      set({ savedProfiles: Object.keys(saved).sort() });
    };

    return {
      profile: initial,
      profileProblem: problemOf(initial, initialTable),
      pseudonymTable: initialTable,
      savedProfiles: Object.keys(readSaved()).sort(),
      profileNotice: null,

      setProfile: (profile) => update(profile),
      setOption: (option, on) => {
        const options = new Set(get().profile.options);
        if (on) {
          options.add(option);
          // PS3.15 E.3.6: full and modified dates are alternatives.
          if (option === FULL_DATES) options.delete(MODIFIED_DATES);
          if (option === MODIFIED_DATES) options.delete(FULL_DATES);
        } else options.delete(option);
        update(withOptions(options));
      },
      applyPreset: (id) => {
        const preset = PRESETS[id];
        update({ ...withOptions(preset.options), name: preset.label });
      },
      setDateHandling: (mode) => {
        const options = new Set(get().profile.options);
        options.delete(FULL_DATES);
        options.delete(MODIFIED_DATES);
        const profile = get().profile;
        let dateShift = profile.dateShift;
        if (mode === 'keep') options.add(FULL_DATES);
        if (mode === 'keyed-shift' || mode === 'fixed-shift') {
          options.add(MODIFIED_DATES);
          if (mode === 'keyed-shift' && dateShift.kind !== 'keyed')
            dateShift = { kind: 'keyed', maxDays: 365 };
          if (mode === 'fixed-shift' && dateShift.kind !== 'fixed')
            dateShift = { kind: 'fixed', days: -30 };
        }
        update({ ...profile, options: inOrder(options), dateShift });
      },
      setShiftDays: (days) => {
        const profile = get().profile;
        if (!Number.isInteger(days)) return;
        const dateShift =
          profile.dateShift.kind === 'keyed'
            ? { kind: 'keyed' as const, maxDays: days }
            : { kind: 'fixed' as const, days };
        // Out-of-range values are kept so the field shows what was typed; the problem says why.
        const candidate = { ...profile, dateShift };
        let notice: Notice | null = null;
        try {
          parseProfile(serializeProfile(candidate));
        } catch (error) {
          notice = { kind: 'error', text: toVeilError(error).message };
        }
        if (notice) set({ profileNotice: notice });
        else update(candidate);
      },
      setPseudonymPrefix: (prefix) => {
        if (!/^[A-Za-z0-9_-]{1,16}$/.test(prefix)) {
          set({
            profileNotice: {
              kind: 'error',
              text: 'The prefix must be 1 to 16 letters, digits, "_" or "-".',
            },
          });
          return;
        }
        update({ ...get().profile, pseudonyms: { kind: 'keyed', prefix } });
      },
      loadPseudonymTable: (csv, fileName) => {
        let table: PseudonymTable;
        try {
          table = parsePseudonymCsv(csv);
        } catch (error) {
          set({ profileNotice: { kind: 'error', text: toVeilError(error).message } });
          return;
        }
        set({ pseudonymTable: { table, fileName, patients: table.size } });
        get().rememberPseudonymTable(csv);
        update(
          { ...get().profile, pseudonyms: { kind: 'table' } },
          { kind: 'info', text: `Pseudonym table loaded: ${table.size} patients.` },
        );
      },
      useKeyedPseudonyms: () => {
        const profile = get().profile;
        if (profile.pseudonyms.kind === 'keyed') return;
        update({ ...profile, pseudonyms: { kind: 'keyed', prefix: 'ANON' } });
      },
      addRule: (rule) => update({ ...get().profile, rules: [...get().profile.rules, rule] }),
      updateRule: (index, rule) =>
        update({
          ...get().profile,
          rules: get().profile.rules.map((r, i) => (i === index ? rule : r)),
        }),
      removeRule: (index) =>
        update({ ...get().profile, rules: get().profile.rules.filter((_, i) => i !== index) }),
      setProfileName: (name) => {
        const trimmed = name.trim();
        if (trimmed === '' || trimmed.length > 200) return;
        update({ ...get().profile, name: trimmed });
      },
      resetProfile: () => update(defaultProfile()),
      saveProfile: () => {
        const { profile, profileProblem } = get();
        if (profileProblem) {
          set({ profileNotice: { kind: 'error', text: `Not saved: ${profileProblem}` } });
          return;
        }
        writeSaved({ ...readSaved(), [profile.name]: serializeProfile(profile) });
        set({ profileNotice: { kind: 'info', text: `Saved "${profile.name}" in this browser.` } });
      },
      loadSavedProfile: (name) => {
        const text = readSaved()[name];
        if (text === undefined) return;
        get().importProfile(text);
      },
      deleteSavedProfile: (name) => {
        const saved = readSaved();
        delete saved[name];
        writeSaved(saved);
      },
      importProfile: (json) => {
        try {
          const profile = parseProfile(json);
          update(profile, { kind: 'info', text: `Profile "${profile.name}" loaded.` });
          get().auditProfileChosen(profile);
        } catch (error) {
          set({ profileNotice: { kind: 'error', text: toVeilError(error).message } });
        }
      },
      exportProfile: () => {
        const profile = get().profile;
        deps.download(
          `veil-profile-${fileSafe(profile.name)}.json`,
          new Blob([serializeProfile(profile)], { type: 'application/json' }),
        );
      },
    };
  };
