import { OPTION_NAMES, type OptionName } from '../../../core/deid/options';
import { PRESETS, type PresetId } from '../../../core/deid/profile';
import type { Profile } from '../../../core/deid/types';

/**
 * The edits the rules panel makes to a profile, as pure functions. They never validate: the store
 * runs core's parseProfile / buildPlan and hands any problem back to the panel.
 */

export type DateHandling = 'remove' | 'keep' | 'keyed-shift' | 'fixed-shift';

const FULL: OptionName = 'RetainLongFullDates';
const MODIFIED: OptionName = 'RetainLongModifDates';
/** The keyed shift's default window when a profile did not say (as core's defaultProfile). */
const DEFAULT_MAX_DAYS = 365;

const ordered = (options: Iterable<OptionName>): OptionName[] => {
  const set = new Set(options);
  return OPTION_NAMES.filter((name) => set.has(name));
};

/** PS3.15: dates are removed by the basic profile, kept in full, or shifted (keyed or fixed). */
export function dateHandlingOf(profile: Profile): DateHandling {
  if (profile.options.includes(FULL)) return 'keep';
  if (profile.options.includes(MODIFIED)) {
    return profile.dateShift.kind === 'fixed' ? 'fixed-shift' : 'keyed-shift';
  }
  return 'remove';
}

export function withDateHandling(profile: Profile, handling: DateHandling): Profile {
  const others = profile.options.filter((o) => o !== FULL && o !== MODIFIED);
  switch (handling) {
    case 'remove':
      return { ...profile, options: ordered(others) };
    case 'keep':
      return { ...profile, options: ordered([...others, FULL]) };
    case 'keyed-shift':
      return {
        ...profile,
        options: ordered([...others, MODIFIED]),
        dateShift:
          profile.dateShift.kind === 'keyed'
            ? profile.dateShift
            : { kind: 'keyed', maxDays: DEFAULT_MAX_DAYS },
      };
    case 'fixed-shift':
      return {
        ...profile,
        options: ordered([...others, MODIFIED]),
        dateShift:
          profile.dateShift.kind === 'fixed' ? profile.dateShift : { kind: 'fixed', days: 0 },
      };
  }
}

/**
 * Ticks or unticks one option. The two date options exclude each other (PS3.15 E.3.6), so ticking
 * one unticks the other: a hint the panel gives rather than an error the store would report.
 */
export function withOption(profile: Profile, option: OptionName, on: boolean): Profile {
  let options = profile.options.filter((o) => o !== option);
  if (on) {
    if (option === FULL) options = options.filter((o) => o !== MODIFIED);
    if (option === MODIFIED) options = options.filter((o) => o !== FULL);
    options.push(option);
  }
  return { ...profile, options: ordered(options) };
}

/** The preset whose options are exactly the profile's, if any. */
export function presetOf(profile: Profile): PresetId | undefined {
  const mine = ordered(profile.options).join();
  return (Object.keys(PRESETS) as PresetId[]).find(
    (id) => ordered(PRESETS[id].options).join() === mine,
  );
}

/** A preset replaces the options (and names the profile); dates, pseudonyms and rules stay. */
export function withPreset(profile: Profile, id: PresetId): Profile {
  return { ...profile, name: PRESETS[id].label, options: ordered(PRESETS[id].options) };
}
