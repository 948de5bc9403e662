/**
 * Date shifting for the Retain Longitudinal Temporal Information with Modified Dates option: whole
 * days, in the proleptic Gregorian calendar, so intervals between dates of one patient are kept.
 * Returns undefined for a value that is not a valid date, which the caller must then remove (a date
 * that cannot be shifted must not be left as it was).
 */

const DAY_MS = 86_400_000;

/** `YYYYMMDD` (DA), shifted by `days`. Partial or malformed values → undefined. */
export function shiftDA(value: string, days: number): string | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  if (!match) return undefined;
  return shiftYmd(Number(match[1]), Number(match[2]), Number(match[3]), days);
}

function shiftYmd(year: number, month: number, day: number, days: number): string | undefined {
  const time = Date.UTC(year, month - 1, day);
  const check = new Date(time);
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
  check.setUTCFullYear(year);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  const shifted = new Date(check.getTime() + days * DAY_MS);
  const y = shifted.getUTCFullYear();
  if (y < 1 || y > 9999) return undefined;
  return `${String(y).padStart(4, '0')}${String(shifted.getUTCMonth() + 1).padStart(2, '0')}${String(
    shifted.getUTCDate(),
  ).padStart(2, '0')}`;
}

/**
 * `YYYY[MM[DD[HH[MM[SS[.F{1-6}]]]]]][&ZZXX]` (DT): the date part shifted, time and offset kept.
 * A DT with only a year or year and month keeps its precision: it is shifted as the first of the
 * period and truncated back, which moves it by at most the period.
 */
export function shiftDT(value: string, days: number): string | undefined {
  const match =
    /^(\d{4})(\d{2})?(\d{2})?(\d{2}(?:\d{2}(?:\d{2}(?:\.\d{1,6})?)?)?)?([+-]\d{4})?$/.exec(value);
  if (!match) return undefined;
  const [, year, month, day, time = '', zone = ''] = match;
  if (day === undefined && time !== '') return undefined;
  const shifted = shiftYmd(Number(year), Number(month ?? '01'), Number(day ?? '01'), days);
  if (shifted === undefined) return undefined;
  const precision = day !== undefined ? 8 : month !== undefined ? 6 : 4;
  return `${shifted.slice(0, precision)}${time}${zone}`;
}

/** Shifts each value of a multi-valued DA or DT; undefined if any value cannot be shifted. */
export function shiftDateValues(
  vr: 'DA' | 'DT',
  values: readonly string[],
  days: number,
): string[] | undefined {
  const out: string[] = [];
  for (const value of values) {
    if (value === '') {
      out.push('');
      continue;
    }
    const shifted = vr === 'DA' ? shiftDA(value, days) : shiftDT(value, days);
    if (shifted === undefined) return undefined;
    out.push(shifted);
  }
  return out;
}
