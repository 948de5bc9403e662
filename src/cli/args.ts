import { OPTION_NAMES, OPTIONS } from '../core/deid/options';
import type { OptionName } from '../core/deid/options';
import { isPresetId, PRESETS } from '../core/deid/profile';
import type { PresetId } from '../core/deid/profile';
import { suggestion } from '../core/deid/profileRules';
import { UsageError } from './errors';

export interface DeidentifyArgs {
  readonly kind: 'deidentify';
  readonly input: string;
  readonly output: string;
  /** Options from flags, added on top of the profile's. */
  readonly options: readonly OptionName[];
  readonly keyFile?: string;
  readonly profile?: string;
  readonly preset?: PresetId;
  readonly pseudonyms?: string;
  readonly jobs?: number;
  readonly report?: string;
  /** Write files in which the residual-PHI scan found identifying values (they fail otherwise). */
  readonly acceptResidual?: boolean;
}

export type HelpTopic = 'deidentify' | 'keygen' | 'audit';

export type Command =
  | { readonly kind: 'help'; readonly topic?: HelpTopic }
  | { readonly kind: 'version' }
  | { readonly kind: 'keygen'; readonly file: string }
  | { readonly kind: 'audit-verify'; readonly file: string }
  | DeidentifyArgs;

export const ACCEPT_RESIDUAL = '--accept-residual';

/** Flags that take a value, as in `--jobs 4` or `--jobs=4`. */
const VALUE_FLAGS = ['--key-file', '--profile', '--preset', '--pseudonyms', '--jobs', '--report'];
/** The option flags come from OPTIONS only, so the CLI cannot drift from the option table. */
const OPTION_BY_FLAG = new Map<string, OptionName>(
  OPTION_NAMES.map((name) => [OPTIONS[name].flag, name]),
);
const MAX_JOBS = 256;

export function parseArgs(argv: readonly string[]): Command {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    const topic = command === 'help' ? rest[0] : undefined;
    return topic === 'deidentify' || topic === 'keygen' || topic === 'audit'
      ? { kind: 'help', topic }
      : { kind: 'help' };
  }
  if (command === '--version' || command === '-v') return { kind: 'version' };
  if (command === 'keygen') return parseKeygen(rest);
  if (command === 'deidentify') return parseDeidentify(rest);
  if (command === 'audit') return parseAudit(rest);
  throw new UsageError(
    `unknown command "${command}"${suggestion(command, ['deidentify', 'keygen', 'audit'])}`,
  );
}

interface Split {
  readonly positionals: string[];
  readonly values: Map<string, string>;
  readonly switches: string[];
  readonly help: boolean;
}

function split(args: readonly string[], switches: ReadonlySet<string>, values: string[]): Split {
  const out = {
    positionals: [] as string[],
    values: new Map<string, string>(),
    switches: [] as string[],
    help: false,
  };
  let onlyPositionals = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (onlyPositionals || !arg.startsWith('-') || arg === '-') {
      out.positionals.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPositionals = true;
      continue;
    }
    if (arg === '--help' || arg === '-h') {
      out.help = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    if (values.includes(flag)) {
      const value = eq === -1 ? args[++i] : arg.slice(eq + 1);
      if (value === undefined || value === '') throw new UsageError(`${flag} needs a value`);
      if (out.values.has(flag)) throw new UsageError(`${flag} is given twice`);
      out.values.set(flag, value);
    } else if (switches.has(flag)) {
      if (eq !== -1) throw new UsageError(`${flag} takes no value`);
      if (!out.switches.includes(flag)) out.switches.push(flag);
    } else {
      const known = [...switches, ...values, '--help'];
      throw new UsageError(`unknown flag ${flag}${suggestion(flag, known)}`);
    }
  }
  return out;
}

function parseKeygen(args: readonly string[]): Command {
  const { positionals, help } = split(args, new Set(), []);
  if (help) return { kind: 'help', topic: 'keygen' };
  if (positionals.length !== 1) throw new UsageError('keygen needs exactly one FILE to write');
  return { kind: 'keygen', file: positionals[0]! };
}

function parseAudit(args: readonly string[]): Command {
  const { positionals, help } = split(args, new Set(), []);
  if (help) return { kind: 'help', topic: 'audit' };
  const [sub, ...files] = positionals;
  if (sub !== 'verify') {
    throw new UsageError(
      sub === undefined
        ? 'audit needs a subcommand: verify'
        : `unknown audit subcommand "${sub}"${suggestion(sub, ['verify'])}`,
    );
  }
  if (files.length !== 1) throw new UsageError('audit verify needs exactly one FILE to check');
  return { kind: 'audit-verify', file: files[0]! };
}

function parseDeidentify(args: readonly string[]): Command {
  const { positionals, values, switches, help } = split(
    args,
    new Set([...OPTION_BY_FLAG.keys(), ACCEPT_RESIDUAL]),
    VALUE_FLAGS,
  );
  if (help) return { kind: 'help', topic: 'deidentify' };
  if (positionals.length !== 2) {
    throw new UsageError(`deidentify needs <in> and <out>, got ${positionals.length} paths`);
  }
  const preset = values.get('--preset');
  if (preset !== undefined && !isPresetId(preset)) {
    throw new UsageError(`unknown preset "${preset}"; known: ${Object.keys(PRESETS).join(', ')}`);
  }
  if (preset !== undefined && values.has('--profile')) {
    throw new UsageError('--preset and --profile exclude each other: a profile names its options');
  }
  const jobsText = values.get('--jobs');
  let jobs: number | undefined;
  if (jobsText !== undefined) {
    jobs = /^\d+$/.test(jobsText) ? Number(jobsText) : NaN;
    if (!(jobs >= 1 && jobs <= MAX_JOBS)) {
      throw new UsageError(`--jobs must be a whole number from 1 to ${MAX_JOBS}`);
    }
  }
  const options = OPTION_NAMES.filter((name) => switches.includes(OPTIONS[name].flag));
  const optional = <K extends string>(key: K, flag: string): { [P in K]?: string } =>
    (values.has(flag) ? { [key]: values.get(flag)! } : {}) as { [P in K]?: string };
  return {
    kind: 'deidentify',
    input: positionals[0]!,
    output: positionals[1]!,
    options,
    ...optional('keyFile', '--key-file'),
    ...optional('profile', '--profile'),
    ...(preset !== undefined ? { preset } : {}),
    ...optional('pseudonyms', '--pseudonyms'),
    ...(jobs !== undefined ? { jobs } : {}),
    ...optional('report', '--report'),
    ...(switches.includes(ACCEPT_RESIDUAL) ? { acceptResidual: true } : {}),
  };
}
