import { describe, expect, it } from 'vitest';
import { shiftDA, shiftDT, shiftDateValues } from './dates';

describe('date shifting', () => {
  it('shifts DA across months, leap days and years', () => {
    expect(shiftDA('20240301', -1)).toBe('20240229');
    expect(shiftDA('20230301', -1)).toBe('20230228');
    expect(shiftDA('20240101', -365)).toBe('20230101');
    expect(shiftDA('00500101', 1)).toBe('00500102');
  });

  it('refuses values that are not whole valid dates', () => {
    expect(shiftDA('2024', -1)).toBeUndefined();
    expect(shiftDA('20240230', -1)).toBeUndefined();
    expect(shiftDA('2024-03-01', -1)).toBeUndefined();
    expect(shiftDA('00010101', -1)).toBeUndefined();
  });

  it('shifts the date part of DT and keeps time, fraction and offset', () => {
    expect(shiftDT('20240301123456.123456+0100', -1)).toBe('20240229123456.123456+0100');
    expect(shiftDT('20240301', -10)).toBe('20240220');
    expect(shiftDT('202403', -40)).toBe('202401');
    expect(shiftDT('2024', -400)).toBe('2022');
    expect(shiftDT('202403xx', -1)).toBeUndefined();
  });

  it('keeps the interval between two dates of one patient', () => {
    const [a, b] = shiftDateValues('DA', ['20200115', '20210320'], -123)!;
    const days = (x: string) =>
      Date.UTC(+x.slice(0, 4), +x.slice(4, 6) - 1, +x.slice(6, 8)) / 86_400_000;
    expect(days(b!) - days(a!)).toBe(days('20210320') - days('20200115'));
    expect(shiftDateValues('DA', ['20200115', 'bad'], -1)).toBeUndefined();
  });
});
