import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { availableParallelism } from 'node:os';
import { buildPlan } from '../core/deid/plan';
import {
  defaultProfile,
  parseProfile,
  profileFromPreset,
  profileHash,
  serializeProfile,
} from '../core/deid/profile';
import type { ProjectKey } from '../core/deid/projectKey';
import { parsePseudonymCsv } from '../core/deid/pseudonymTable';
import type { PseudonymTable } from '../core/deid/pseudonymTable';
import type { Profile } from '../core/deid/types';
import { VeilError } from '../core/errors';
import type { DeidentifyArgs } from './args';
import { SetupError } from './errors';
import { describeFsError, generateProjectKey, readKeyFile, writeKeyFile } from './keyFile';
import { planLayout, relativeInside } from './layout';
import type { Layout } from './layout';
import { runPool } from './pool';
import { formatDuration, formatMegabytes, ProgressLine } from './progress';
import type { LineSink } from './progress';
import type { FileOutcome } from './protocol';
import { addOutcome, CHANGE_KINDS, emptyTotals, ReportWriter } from './report';
import type { Totals } from './report';
import { VEIL_VERSION } from './version';
import { listInput } from './walk';

export interface CliIo {
  readonly stdout: LineSink;
  readonly stderr: LineSink;
  /** Aborted on Ctrl-C: workers stop, the report is closed as interrupted. */
  readonly signal?: AbortSignal;
  readonly workerUrl: URL;
}

/** Messages per kind printed while running; the rest are only in the report. */
const MAX_LISTED = 10;

export async function runDeidentify(args: DeidentifyArgs, io: CliIo): Promise<number> {
  const note = (line: string): void => void io.stderr.write(`veil: ${line}\n`);

  const profile = await loadProfile(args);
  try {
    buildPlan(profile);
  } catch (error) {
    if (error instanceof VeilError)
      throw new SetupError(`the profile cannot be used: ${error.message}`);
    throw error;
  }
  const table = args.pseudonyms === undefined ? undefined : await loadTable(args.pseudonyms);
  const layout = await planLayout(args);
  const listing = await listInput(layout.input);
  checkCollisions(
    layout,
    listing.files.map((f) => f.relativePath),
  );

  const { key, source } = await obtainKey(args, layout, note);
  await mkdir(layout.output, { recursive: true });
  await mkdir(dirname(layout.report), { recursive: true });
  if (listing.ignored > 0) note(`${listing.ignored} symbolic links or special files not followed`);

  const jobs = Math.max(1, Math.min(args.jobs ?? availableParallelism(), listing.files.length));
  const started = new Date();
  const report = openReport(layout.report, {
    tool: { name: 'veil', version: VEIL_VERSION },
    started: started.toISOString(),
    profile,
    profileHash: profileHash(profile),
    options: profile.options,
    key: { fingerprint: key.fingerprint, source },
    ...(table ? { pseudonymTable: table.summary } : {}),
    jobs,
  });

  const totals = emptyTotals();
  const listed = { failed: 0, skipped: 0 };
  const progress = new ProgressLine(io.stderr, listing.files.length, listing.totalBytes);
  const record = (outcome: FileOutcome): void => {
    report.add(outcome);
    addOutcome(totals, outcome);
    if (outcome.status !== 'processed' && listed[outcome.status]++ < MAX_LISTED) {
      const detail =
        outcome.status === 'failed'
          ? `${outcome.error.message} [${outcome.error.code}]`
          : outcome.reason;
      progress.log(`veil: ${outcome.status} ${outcome.relativePath}: ${detail}`);
    }
  };
  for (const folder of listing.unreadable) {
    record({
      status: 'failed',
      relativePath: folder,
      error: {
        code: 'READ_FAILED',
        message: 'cannot list this folder: its files were not processed',
      },
    });
  }

  const t0 = performance.now();
  const closeReport = (interrupted: boolean, notProcessed: number): number => {
    const seconds = (performance.now() - t0) / 1000;
    report.close({
      finished: new Date().toISOString(),
      interrupted,
      seconds: Math.round(seconds * 1000) / 1000,
      totals,
      notProcessed,
    });
    return seconds;
  };
  let filesDone = 0;
  const pool = runPool({
    workerUrl: io.workerUrl,
    size: jobs,
    init: {
      profile,
      keyBytes: key.bytes,
      ...(table ? { pseudonymTable: table.table } : {}),
      inputRoot: listing.root,
      outputRoot: layout.output,
      ...(args.acceptResidual ? { acceptResidual: true } : {}),
    },
    jobs: listing.files.map((f) => f.relativePath),
    onOutcome: (outcome) => {
      filesDone++;
      record(outcome);
      progress.advance(outcome.inputBytes ?? 0);
    },
    ...(io.signal ? { signal: io.signal } : {}),
  });
  let notProcessed: number;
  try {
    ({ notProcessed } = await pool);
  } catch (error) {
    // Only when no worker could start (it could not build the plan): nothing was processed.
    progress.finish();
    closeReport(true, listing.files.length - filesDone);
    throw new SetupError(error instanceof Error ? error.message : String(error));
  }
  progress.finish();
  const interrupted = io.signal?.aborted === true;
  const seconds = closeReport(interrupted, notProcessed);

  for (const kind of ['failed', 'skipped'] as const) {
    if (listed[kind] > MAX_LISTED)
      note(`${listed[kind] - MAX_LISTED} more ${kind} files are listed in the report`);
  }
  io.stdout.write(formatSummary(totals, seconds, layout.report, interrupted ? notProcessed : 0));
  if (interrupted) return 130;
  return totals.failed > 0 ? 1 : 0;
}

export function formatSummary(
  totals: Totals,
  seconds: number,
  reportPath: string,
  notProcessed = 0,
): string {
  const files = totals.processed + totals.skipped + totals.failed;
  const rate = seconds > 0 ? (files / seconds).toFixed(1) : '-';
  const changes = CHANGE_KINDS.filter((k) => totals.changes[k] > 0)
    .map((k) => `${k} ${totals.changes[k]}`)
    .join(', ');
  const lines = [
    `veil: ${totals.processed} processed, ${totals.skipped} skipped, ${totals.failed} failed` +
      `${notProcessed > 0 ? `, ${notProcessed} not processed (interrupted)` : ''}` +
      ` in ${seconds < 60 ? `${seconds.toFixed(1)} s` : formatDuration(seconds)}` +
      ` (${rate} files/s, ${formatMegabytes(totals.inputBytes)} MB read)`,
    `veil: changes: ${changes === '' ? 'none' : changes}; ${totals.warnings} warnings`,
    `veil: report: ${reportPath}`,
  ];
  return `${lines.join('\n')}\n`;
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new SetupError(`cannot read the ${what} ${path}: ${describeFsError(error)}`);
  }
}

/** The profile file (or preset, or default), with the option flags added and validated again. */
async function loadProfile(args: DeidentifyArgs): Promise<Profile> {
  let base: Profile;
  try {
    if (args.profile !== undefined) base = parseProfile(await readText(args.profile, 'profile'));
    else base = args.preset !== undefined ? profileFromPreset(args.preset) : defaultProfile();
    const merged: Profile = {
      ...base,
      options: [...base.options, ...args.options.filter((o) => !base.options.includes(o))],
      pseudonyms: args.pseudonyms !== undefined ? { kind: 'table' } : base.pseudonyms,
    };
    // Parsing the merged profile again catches conflicts that flags introduce (both date options).
    const profile = parseProfile(serializeProfile(merged));
    if (profile.pseudonyms.kind === 'table' && args.pseudonyms === undefined) {
      throw new SetupError(
        'the profile takes pseudonyms from a table: pass it with --pseudonyms FILE.csv',
      );
    }
    return profile;
  } catch (error) {
    if (error instanceof VeilError) {
      throw new SetupError(`${args.profile ?? 'the chosen options'}: ${error.message}`);
    }
    throw error;
  }
}

async function loadTable(path: string): Promise<{
  table: PseudonymTable;
  summary: { sha256: string; patients: number };
}> {
  const text = await readText(path, 'pseudonym table');
  try {
    const table = parsePseudonymCsv(text);
    const sha256 = createHash('sha256').update(text, 'utf8').digest('hex');
    return { table, summary: { sha256, patients: table.size } };
  } catch (error) {
    if (error instanceof VeilError) throw new SetupError(`${path}: ${error.message}`);
    throw error;
  }
}

async function obtainKey(
  args: DeidentifyArgs,
  layout: Layout,
  note: (line: string) => void,
): Promise<{ key: ProjectKey; source: 'file' | 'generated' }> {
  if (args.keyFile !== undefined) {
    const { key, warning } = await readKeyFile(args.keyFile);
    if (warning) note(`warning: ${warning}`);
    return { key, source: 'file' };
  }
  const key = generateProjectKey();
  await mkdir(dirname(layout.generatedKey), { recursive: true });
  // Written before any file is processed: outputs must never exist without the key that made them.
  await writeKeyFile(layout.generatedKey, key).catch((error: unknown) => {
    if (error instanceof SetupError) {
      throw new SetupError(
        `${error.message}; to continue that project pass --key-file ${layout.generatedKey}`,
      );
    }
    throw error;
  });
  note(`no --key-file given: generated a new project key (fingerprint ${key.fingerprint})`);
  note(`  written to ${layout.generatedKey}; keep it secret and out of the shared data`);
  note(
    `  pass --key-file ${layout.generatedKey} to later batches so that patients, UIDs and dates map the same way`,
  );
  return { key, source: 'generated' };
}

/** The report and a generated key must not land where an output file will be written. */
function checkCollisions(layout: Layout, relativePaths: readonly string[]): void {
  const outputs = new Set(relativePaths);
  for (const [what, path] of [
    ['report', layout.report],
    ['generated key', layout.generatedKey],
  ] as const) {
    const inside = relativeInside(layout.output, path);
    if (
      inside !== undefined &&
      (outputs.has(inside) || relativePaths.some((p) => p.startsWith(`${inside}/`)))
    ) {
      throw new SetupError(
        `the ${what} ${path} would replace an output file: choose another --report path`,
      );
    }
  }
}

function openReport(
  path: string,
  header: ConstructorParameters<typeof ReportWriter>[1],
): ReportWriter {
  try {
    return new ReportWriter(path, header);
  } catch (error) {
    throw new SetupError(`cannot write the report ${path}: ${describeFsError(error)}`);
  }
}
