import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appendEntry,
  exportSegment,
  linkBefore,
  logAnchor,
  sampleEvents,
  serializeAuditExport,
  type AuditEntry,
  type ChainLink,
} from '../core/audit';
import { parseArgs } from './args';

// Runs the built command line (`node bin/veil.mjs audit verify …`) on exports made by core/audit,
// intact and tampered with, as someone checking an export zip's audit.json would.
const repo = fileURLToPath(new URL('../..', import.meta.url));
const LOG_ID = 'c0ffee00c0ffee00c0ffee00c0ffee00';

let dir: string;

function veil(...args: string[]) {
  const result = spawnSync(process.execPath, [join(repo, 'bin/veil.mjs'), ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function makeLog(): AuditEntry[] {
  let prev: ChainLink = linkBefore(logAnchor(LOG_ID));
  return Object.values(sampleEvents()).map((event, k) => {
    const entry = appendEntry(prev, {
      time: new Date(Date.UTC(2024, 5, 1, 9, k)).toISOString(),
      operator: 'Dr. Grace Hopper',
      appVersion: '0.1.0',
      event,
    });
    prev = entry;
    return entry;
  });
}

const write = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return name;
};

describe('veil audit verify', () => {
  const log = makeLog();
  const n = log.length;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'veil-audit-'));
  }, 120_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('verifies a whole log and prints its count, time span and log id (exit 0)', () => {
    const file = write('audit.json', serializeAuditExport(exportSegment(log, LOG_ID)));
    const run = veil('audit', 'verify', file);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      `veil: audit.json: verified: ${n} entries (1 to ${n}), ` +
        `2024-06-01T09:00:00.000Z to 2024-06-01T09:${String(n - 1).padStart(2, '0')}:00.000Z, ` +
        `log ${LOG_ID}\n`,
    );
  });

  it('verifies a segment on its own (an export zip carries one)', () => {
    const file = write(
      'segment.json',
      serializeAuditExport(exportSegment(log.slice(5, 9), LOG_ID)),
    );
    const run = veil('audit', 'verify', file);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('verified: 4 entries (6 to 9)');
  });

  it('names the first entry that was altered, removed or reordered (exit 1)', () => {
    const cases: [string, AuditEntry[], RegExp][] = [
      [
        'altered.json',
        log.map((e) => (e.seq === 7 ? { ...e, operator: 'Mallory' } : e)),
        /entry 7 was altered/,
      ],
      ['removed.json', log.filter((e) => e.seq !== 4), /entry 4 was removed/],
      ['reordered.json', [log[0]!, log[2]!, log[1]!, ...log.slice(3)], /entry 2 was reordered/],
    ];
    for (const [name, entries, message] of cases) {
      const file = write(
        name,
        serializeAuditExport(exportSegment(entries, LOG_ID, logAnchor(LOG_ID).hash)),
      );
      const run = veil('audit', 'verify', file);
      expect(run.status, name).toBe(1);
      expect(run.stdout).toMatch(/NOT verified/);
      expect(run.stdout).toMatch(message);
      expect(run.stdout).not.toContain('Mallory');
    }
  });

  it('exits 2 for a file it cannot read or that is not an audit export', () => {
    const missing = veil('audit', 'verify', 'nowhere.json');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe('veil: cannot read nowhere.json: no such file or folder\n');
    const notJson = veil('audit', 'verify', write('notes.txt', 'Patient DOE^JOHN\n'));
    expect(notJson.status).toBe(2);
    expect(notJson.stderr).toBe('veil: notes.txt is not a Veil audit export: not JSON\n');
    const report = veil('audit', 'verify', write('report.json', '{"format":"veil-report"}'));
    expect(report.status).toBe(2);
    expect(report.stderr).toContain('not a Veil audit export');
  });

  it('explains itself, and rejects bad usage with exit 2', () => {
    const help = veil('help', 'audit');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: veil audit verify FILE');
    expect(veil('--help').stdout).toContain('veil audit verify FILE');
    const none = veil('audit');
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('audit needs a subcommand: verify');
    expect(veil('audit', 'verfy', 'x').stderr).toContain('(did you mean "verify"?)');
    expect(veil('audit', 'verify').status).toBe(2);
  });
});

describe('parseArgs for audit', () => {
  it('reads audit verify, its help and its mistakes', () => {
    expect(parseArgs(['audit', 'verify', 'a.json'])).toEqual({
      kind: 'audit-verify',
      file: 'a.json',
    });
    expect(parseArgs(['audit', '--help'])).toEqual({ kind: 'help', topic: 'audit' });
    expect(parseArgs(['help', 'audit'])).toEqual({ kind: 'help', topic: 'audit' });
    expect(parseArgs(['audit', 'verify', '--', '-odd.json'])).toEqual({
      kind: 'audit-verify',
      file: '-odd.json',
    });
    expect(() => parseArgs(['audit', 'verify', 'a', 'b'])).toThrow(/exactly one FILE/);
    expect(() => parseArgs(['audit', 'verify', '--fast', 'a'])).toThrow(/unknown flag --fast/);
    expect(() => parseArgs(['audti'])).toThrow(/did you mean "audit"/);
  });
});
