import { closeSync, openSync, renameSync, writeSync } from 'node:fs';
import type { OptionName } from '../core/deid/options';
import { OPTIONS } from '../core/deid/options';
import {
  CHANGE_KINDS,
  emptyChangeCounts,
  type ChangeCounts,
  type ChangeKind,
  type Profile,
} from '../core/deid/types';
import type { FileOutcome } from './protocol';

export { CHANGE_KINDS };

export interface ReportHeader {
  readonly tool: { readonly name: 'veil'; readonly version: string };
  readonly started: string;
  readonly profile: Profile;
  readonly profileHash: string;
  readonly options: readonly OptionName[];
  readonly key: { readonly fingerprint: string; readonly source: 'file' | 'generated' };
  readonly pseudonymTable?: { readonly sha256: string; readonly patients: number };
  readonly jobs: number;
}

export interface Totals {
  processed: number;
  skipped: number;
  failed: number;
  warnings: number;
  inputBytes: number;
  outputBytes: number;
  changes: Record<ChangeKind, number>;
}

export function emptyTotals(): Totals {
  const changes = emptyChangeCounts();
  return {
    processed: 0,
    skipped: 0,
    failed: 0,
    warnings: 0,
    inputBytes: 0,
    outputBytes: 0,
    changes,
  };
}

export function addOutcome(totals: Totals, outcome: FileOutcome): void {
  totals[outcome.status]++;
  totals.inputBytes += outcome.inputBytes ?? 0;
  if (outcome.status !== 'processed') return;
  totals.outputBytes += outcome.outputBytes;
  totals.warnings += outcome.warnings.length;
  for (const kind of CHANGE_KINDS) totals.changes[kind] += outcome.counts[kind] ?? 0;
}

/** One report line per file: paths are relative, and nothing from inside the file but counts. */
export function reportEntry(outcome: FileOutcome): Record<string, unknown> {
  const { relativePath, status } = outcome;
  switch (outcome.status) {
    case 'processed': {
      const counts: Partial<ChangeCounts> = {};
      for (const kind of CHANGE_KINDS) {
        const n = outcome.counts[kind] ?? 0;
        if (n > 0) (counts as Record<ChangeKind, number>)[kind] = n;
      }
      return {
        input: relativePath,
        status,
        output: outcome.outputPath,
        inputSha256: outcome.inputSha256,
        outputSha256: outcome.outputSha256,
        inputBytes: outcome.inputBytes,
        outputBytes: outcome.outputBytes,
        counts,
        warnings: outcome.warnings,
      };
    }
    case 'skipped':
      return {
        input: relativePath,
        status,
        inputSha256: outcome.inputSha256,
        inputBytes: outcome.inputBytes,
        reason: outcome.reason,
      };
    case 'failed':
      return {
        input: relativePath,
        status,
        ...(outcome.inputSha256 !== undefined ? { inputSha256: outcome.inputSha256 } : {}),
        ...(outcome.inputBytes !== undefined ? { inputBytes: outcome.inputBytes } : {}),
        error: outcome.error,
      };
  }
}

/**
 * The JSON report, streamed: the header first, then one line per file as results arrive, then the
 * totals. Memory stays flat however many files there are. It is written to `<path>.partial` and
 * renamed on close, so a report at `path` is always complete.
 */
export class ReportWriter {
  private readonly fd: number;
  private entries = 0;

  constructor(
    private readonly path: string,
    header: ReportHeader,
  ) {
    this.fd = openSync(`${path}.partial`, 'wx');
    const head = {
      format: 'veil-report',
      version: 1,
      ...header,
      options: header.options.map((name) => ({
        name,
        code: OPTIONS[name].code,
        meaning: OPTIONS[name].standardName,
      })),
    };
    const text = JSON.stringify(head, null, 2);
    writeSync(this.fd, `${text.slice(0, text.lastIndexOf('\n}'))},\n  "files": [`);
  }

  add(outcome: FileOutcome): void {
    writeSync(
      this.fd,
      `${this.entries++ === 0 ? '\n' : ',\n'}    ${JSON.stringify(reportEntry(outcome))}`,
    );
  }

  close(footer: {
    finished: string;
    interrupted: boolean;
    seconds: number;
    totals: Totals;
    notProcessed: number;
  }): void {
    const { totals } = footer;
    const tail = JSON.stringify(
      {
        finished: footer.finished,
        interrupted: footer.interrupted,
        summary: {
          files: totals.processed + totals.skipped + totals.failed + footer.notProcessed,
          processed: totals.processed,
          skipped: totals.skipped,
          failed: totals.failed,
          notProcessed: footer.notProcessed,
          warnings: totals.warnings,
          changes: totals.changes,
          inputBytes: totals.inputBytes,
          outputBytes: totals.outputBytes,
          seconds: footer.seconds,
        },
      },
      null,
      2,
    );
    writeSync(this.fd, `${this.entries > 0 ? '\n  ' : ''}],\n${tail.slice(2)}\n`);
    closeSync(this.fd);
    renameSync(`${this.path}.partial`, this.path);
  }
}
