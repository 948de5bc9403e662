import { readdir, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { SetupError } from './errors';
import { GENERATED_KEY_NAME } from './keyFile';
import { isInsideOrSame, resolveReal } from './walk';

export const DEFAULT_REPORT_NAME = 'veil-report.json';

export interface Layout {
  /** Resolved (real) paths. */
  readonly input: string;
  readonly output: string;
  readonly report: string;
  /** Where a generated key is written when no --key-file was given. */
  readonly generatedKey: string;
}

/**
 * Decides where everything goes and refuses any layout that could touch the input: <out> inside
 * <in>, <in> inside <out>, the report inside <in>. <out> must be empty or absent (no file of an
 * earlier run is ever overwritten or mixed into this run's report).
 */
export async function planLayout(paths: {
  readonly input: string;
  readonly output: string;
  readonly report?: string | undefined;
}): Promise<Layout> {
  const input = await resolveReal(paths.input);
  const output = await resolveReal(paths.output);
  if (isInsideOrSame(input, output)) {
    throw new SetupError('<out> is <in> or inside it: Veil never writes into its input');
  }
  if (isInsideOrSame(output, input)) {
    throw new SetupError('<in> is inside <out>: choose an output folder outside the input');
  }
  const outputInfo = await stat(output).catch(() => undefined);
  if (outputInfo) {
    if (!outputInfo.isDirectory()) throw new SetupError(`<out> ${paths.output} is not a folder`);
    if ((await readdir(output)).length > 0) {
      throw new SetupError(
        `<out> ${paths.output} is not empty: choose a new or empty folder (files of earlier runs are never overwritten)`,
      );
    }
  }
  const report = await resolveReal(paths.report ?? join(output, DEFAULT_REPORT_NAME));
  if (isInsideOrSame(input, report)) {
    throw new SetupError('the report would be written inside <in>: choose another --report path');
  }
  if (await stat(report).catch(() => undefined)) {
    throw new SetupError(`the report ${paths.report ?? report} already exists`);
  }
  // A key inside <out> would travel with the shared data and let the recipient confirm guesses.
  const keyFolder = isInsideOrSame(output, report) ? dirname(output) : dirname(report);
  return { input, output, report, generatedKey: join(keyFolder, GENERATED_KEY_NAME) };
}

/** The relative output path (with `/`) that `absolute` would take inside <out>, if it is inside. */
export function relativeInside(output: string, absolute: string): string | undefined {
  if (!isInsideOrSame(output, absolute)) return undefined;
  return relative(output, absolute).split(sep).join('/');
}
