import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultProfile } from '../core/deid/profile';
import { runPool } from './pool';
import type { FileOutcome, WorkerInit } from './protocol';

// A stand-in worker that speaks the real protocol, so the pool's scheduling, crash and abort
// handling are tested without de-identifying anything: 'crash' exits the thread, 'throw' throws,
// 'slow…' takes 300 ms, 'hog' holds 80 MB of heap, 'hog-forever' takes heap until it dies,
// anything else is answered at once.
const FAKE_WORKER = `
import { parentPort, workerData } from 'node:worker_threads';
if (workerData.failStart) throw new Error('cannot build the plan');
parentPort.on('message', ({ relativePath }) => {
  if (relativePath === 'crash') process.exit(3);
  if (relativePath === 'throw') throw new Error('boom');
  const held = [];
  if (relativePath === 'hog') for (let i = 0; i < 80; i++) held.push(new Array(131072).fill(i));
  if (relativePath === 'hog-forever') for (let i = 0; ; i++) held.push(new Array(131072).fill(i));
  const outcome = { status: 'skipped', relativePath, inputBytes: 1, inputSha256: '', reason: 'fake' };
  setTimeout(() => parentPort.postMessage({ type: 'done', outcome }), relativePath.startsWith('slow') ? 300 : 0);
});
parentPort.postMessage({ type: 'ready' });
`;

let dir: string;
let workerUrl: URL;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'veil-pool-'));
  writeFileSync(join(dir, 'fake-worker.mjs'), FAKE_WORKER);
  workerUrl = pathToFileURL(join(dir, 'fake-worker.mjs'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const init = (extra: object = {}): WorkerInit =>
  ({
    profile: defaultProfile(),
    keyBytes: new Uint8Array(32).fill(7),
    inputRoot: dir,
    outputRoot: dir,
    ...extra,
  }) as WorkerInit;

async function collect(jobs: string[], size: number, signal?: AbortSignal) {
  const outcomes: FileOutcome[] = [];
  const result = await runPool({
    workerUrl,
    size,
    init: init(),
    jobs,
    onOutcome: (o) => outcomes.push(o),
    ...(signal ? { signal } : {}),
  });
  return { outcomes, ...result };
}

describe('runPool', () => {
  it('runs every job exactly once', async () => {
    const jobs = Array.from({ length: 25 }, (_, i) => `f${i}`);
    const { outcomes, notProcessed } = await collect(jobs, 3);
    expect(notProcessed).toBe(0);
    expect(outcomes.map((o) => o.relativePath).sort()).toEqual([...jobs].sort());
  });

  it('finishes at once with no jobs', async () => {
    expect(await collect([], 4)).toEqual({ outcomes: [], notProcessed: 0 });
  });

  it('fails only the file a worker died on, and carries on with a fresh worker', async () => {
    const jobs = ['a', 'crash', 'b', 'throw', 'c', 'd'];
    const { outcomes } = await collect(jobs, 1);
    expect(outcomes.map((o) => o.relativePath).sort()).toEqual([...jobs].sort());
    const failed = outcomes.filter((o) => o.status === 'failed');
    expect(failed.map((o) => [o.relativePath, o.status === 'failed' && o.error.code])).toEqual([
      ['crash', 'WORKER_CRASHED'],
      ['throw', 'WORKER_CRASHED'],
    ]);
    expect(failed[0]?.status === 'failed' && failed[0].error.message).toMatch(/exit code 3/);
    expect(failed[1]?.status === 'failed' && failed[1].error.message).toMatch(/boom/);
  });

  it('gives a file that ran out of heap a second try in a roomy worker, then goes on as usual', async () => {
    const outcomes: FileOutcome[] = [];
    const { notProcessed } = await runPool({
      workerUrl,
      size: 1,
      init: init(),
      jobs: ['a', 'hog', 'b', 'hog-forever', 'c'],
      onOutcome: (o) => outcomes.push(o),
      limits: { usual: { maxOldGenerationSizeMb: 32 }, roomy: { maxOldGenerationSizeMb: 160 } },
    });
    expect(notProcessed).toBe(0);
    expect(outcomes.map((o) => [o.relativePath, o.status])).toEqual([
      ['a', 'skipped'],
      ['hog', 'skipped'],
      ['b', 'skipped'],
      ['hog-forever', 'failed'],
      ['c', 'skipped'],
    ]);
    const failed = outcomes.find((o) => o.status === 'failed');
    expect(failed?.status === 'failed' && failed.error).toMatchObject({
      code: 'WORKER_CRASHED',
      message: expect.stringMatching(/out of memory/i) as unknown,
    });
  });

  it('stops the run when a worker cannot even start', async () => {
    await expect(
      runPool({
        workerUrl,
        size: 2,
        init: init({ failStart: true }),
        jobs: ['a', 'b'],
        onOutcome: () => undefined,
      }),
    ).rejects.toThrow(/could not start: cannot build the plan/);
  });

  it('on abort, stops, removes what unfinished files left and counts them as not processed', async () => {
    const jobs = ['quick', ...Array.from({ length: 6 }, (_, i) => `slow${i}`)];
    // What a worker cut short could leave: a partial file and a complete but unreported one.
    writeFileSync(join(dir, 'slow0.veil-partial'), 'partial');
    writeFileSync(join(dir, 'slow0'), 'complete');
    const controller = new AbortController();
    const outcomes: FileOutcome[] = [];
    const { notProcessed } = await runPool({
      workerUrl,
      size: 1,
      init: init(),
      jobs,
      // The one worker moves on to slow0 (300 ms) at once; the abort comes 100 ms into it.
      onOutcome: (o) => {
        outcomes.push(o);
        setTimeout(() => controller.abort(), 100);
      },
      signal: controller.signal,
    });
    expect(outcomes.map((o) => o.relativePath)).toEqual(['quick']);
    expect(notProcessed).toBe(6);
    expect(existsSync(join(dir, 'slow0.veil-partial'))).toBe(false);
    expect(existsSync(join(dir, 'slow0'))).toBe(false);
  });

  it('starts nothing when already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await collect(['a', 'b'], 2, controller.signal)).toEqual({
      outcomes: [],
      notProcessed: 2,
    });
  });
});
