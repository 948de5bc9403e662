import { describe, expect, it } from 'vitest';
import { OPTION_NAMES, OPTIONS } from '../core/deid/options';
import { parseArgs } from './args';
import { UsageError } from './errors';
import { deidentifyHelp } from './help';

const usageError = (argv: string[]): string => {
  try {
    parseArgs(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`accepted: ${argv.join(' ')}`);
};

describe('parseArgs', () => {
  it('reads help, version and keygen', () => {
    expect(parseArgs([])).toEqual({ kind: 'help' });
    expect(parseArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseArgs(['help', 'deidentify'])).toEqual({ kind: 'help', topic: 'deidentify' });
    expect(parseArgs(['deidentify', '--help'])).toEqual({ kind: 'help', topic: 'deidentify' });
    expect(parseArgs(['keygen', '-h'])).toEqual({ kind: 'help', topic: 'keygen' });
    expect(parseArgs(['--version'])).toEqual({ kind: 'version' });
    expect(parseArgs(['keygen', 'p.key'])).toEqual({ kind: 'keygen', file: 'p.key' });
  });

  it('reads deidentify with every value flag, in both --flag value and --flag=value forms', () => {
    expect(
      parseArgs([
        'deidentify',
        'in',
        '--key-file',
        'k.key',
        'out',
        '--profile=p.json',
        '--pseudonyms',
        't.csv',
        '--jobs=3',
        '--report',
        'r.json',
      ]),
    ).toEqual({
      kind: 'deidentify',
      input: 'in',
      output: 'out',
      options: [],
      keyFile: 'k.key',
      profile: 'p.json',
      pseudonyms: 't.csv',
      jobs: 3,
      report: 'r.json',
    });
  });

  it('has one flag per PS3.15 option, taken from OPTIONS, and lists each in the help', () => {
    const flags = OPTION_NAMES.map((name) => OPTIONS[name].flag);
    const parsed = parseArgs(['deidentify', 'a', 'b', ...[...flags].reverse()]);
    expect(parsed).toMatchObject({ options: [...OPTION_NAMES] });
    const help = deidentifyHelp();
    for (const flag of flags) expect(help).toContain(flag);
  });

  it('reads a preset, and paths after -- even when they start with a dash', () => {
    expect(parseArgs(['deidentify', '--preset', 'teaching', '--', '-in', '-out'])).toEqual({
      kind: 'deidentify',
      input: '-in',
      output: '-out',
      options: [],
      preset: 'teaching',
    });
  });

  it('rejects mistakes with a message that says what to fix', () => {
    expect(usageError(['deidentfy'])).toBe(
      'unknown command "deidentfy" (did you mean "deidentify"?)',
    );
    expect(usageError(['deidentify', 'a'])).toBe('deidentify needs <in> and <out>, got 1 paths');
    expect(usageError(['deidentify', 'a', 'b', 'c'])).toMatch(/got 3 paths/);
    expect(usageError(['deidentify', 'a', 'b', '--retain-uid'])).toBe(
      'unknown flag --retain-uid (did you mean "--retain-uids"?)',
    );
    expect(usageError(['deidentify', 'a', 'b', '--jobs'])).toBe('--jobs needs a value');
    expect(usageError(['deidentify', 'a', 'b', '--jobs', '0'])).toMatch(/from 1 to 256/);
    expect(usageError(['deidentify', 'a', 'b', '--jobs', '2.5'])).toMatch(/whole number/);
    expect(usageError(['deidentify', 'a', 'b', '--jobs', '1', '--jobs', '2'])).toBe(
      '--jobs is given twice',
    );
    expect(usageError(['deidentify', 'a', 'b', '--retain-uids=yes'])).toBe(
      '--retain-uids takes no value',
    );
    expect(usageError(['deidentify', 'a', 'b', '--preset', 'nope'])).toMatch(
      /^unknown preset "nope"; known: basic, clinical-trial/,
    );
    expect(usageError(['deidentify', 'a', 'b', '--preset', 'basic', '--profile', 'p'])).toMatch(
      /exclude each other/,
    );
    expect(usageError(['keygen'])).toBe('keygen needs exactly one FILE to write');
  });
});
