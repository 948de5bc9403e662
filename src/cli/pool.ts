import { rmSync } from 'node:fs';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { outputPathOf, PARTIAL_SUFFIX } from './processFile';
import type { FileOutcome, WorkerInit, WorkerMessage } from './protocol';

export interface PoolRun {
  readonly workerUrl: URL;
  readonly size: number;
  readonly init: WorkerInit;
  readonly jobs: readonly string[];
  readonly onOutcome: (outcome: FileOutcome) => void;
  readonly signal?: AbortSignal;
  /** The workers' heaps: WORKER_LIMITS, and ROOMY_LIMITS for a second try (tests set smaller ones). */
  readonly limits?: { readonly usual: ResourceLimits; readonly roomy: ResourceLimits };
}

interface Slot {
  readonly worker: Worker;
  /** Started with ROOMY_LIMITS, for a file that ran out of heap in a worker with WORKER_LIMITS. */
  readonly roomy: boolean;
  /** Its first job, given before any other (the file it was started for). */
  first?: string | undefined;
  job?: string | undefined;
  ready: boolean;
  retiring: boolean;
  dead: boolean;
}

/**
 * A worker de-identifies one file after another and keeps nothing of a file once it is written,
 * so a large heap only lets garbage pile up before V8 collects it:
 * - young generation 6 MB (2 MB semi-spaces, `node --max-semi-space-size=2`) instead of V8's up to
 *   48 MB. Measured with the CLI and one worker (peak RSS, time): CT series 128 → 101 MB, 2,000
 *   small files 153 → 130 MB, with no time lost;
 * - old generation 128 MB: V8 paces its collections by the limit; with its default (gigabytes) the
 *   CLI reached 128–135 MB on the 2,000 small files, with 128 MB (or 64, or 96) 102–106 MB, in the
 *   same time within the machine's noise (the engine bench's one-thread contender: 103–107 → 79–81
 *   MB). V8's --optimize-for-size also lowers it, but costs 27% more time.
 * Pixel data is outside the V8 heap (Buffers), so no image is too large for these limits; a file
 * with a huge header (a 300,000-element RT Structure Set needs ~300 MB) is, and it is given a
 * second try in a worker with V8's default heap (ROOMY_LIMITS) instead of failing.
 */
export const WORKER_LIMITS = { maxYoungGenerationSizeMb: 6, maxOldGenerationSizeMb: 128 } as const;
export const ROOMY_LIMITS = { maxYoungGenerationSizeMb: 6 } as const;

/**
 * Runs every job on `size` worker threads, one file per worker at a time (so at most `size` files
 * are in memory). A worker that dies takes only its current file with it: that file is failed, its
 * output removed, and a fresh worker carries on. A worker that ran out of heap hands its file to
 * a fresh worker with a roomy heap, once; only if that one fails too is the file failed. A worker
 * that dies before it is ready (it could not even build the plan) stops the run: every other
 * worker would die the same way.
 *
 * Resolves with the number of files not processed (non-zero only when `signal` aborted the run:
 * files never started, and files cut short, whose partial output is removed).
 */
export function runPool(run: PoolRun): Promise<{ notProcessed: number }> {
  const { jobs, onOutcome, init } = run;
  const limits = run.limits ?? { usual: WORKER_LIMITS, roomy: ROOMY_LIMITS };
  return new Promise((resolve, reject) => {
    const slots = new Set<Slot>();
    let next = 0;
    let stopped = false;
    let fatal: Error | undefined;
    let interrupted = 0;

    // Removes whatever a job left behind: a partial file, or a whole one that was never reported.
    const discard = (relativePath: string): void => {
      const target = outputPathOf(init.outputRoot, relativePath);
      rmSync(`${target}${PARTIAL_SUFFIX}`, { force: true });
      rmSync(target, { force: true });
    };

    const settleIfIdle = (): void => {
      if (slots.size > 0) return;
      if (fatal) reject(fatal);
      else resolve({ notProcessed: jobs.length - next + interrupted });
    };

    const feed = (slot: Slot): void => {
      if (!stopped && slot.first !== undefined) {
        slot.job = slot.first;
        slot.first = undefined;
        slot.worker.postMessage({ relativePath: slot.job });
      } else if (!stopped && next < jobs.length && !slot.roomy) {
        slot.job = jobs[next++]!;
        slot.worker.postMessage({ relativePath: slot.job });
      } else {
        // Done, or a roomy worker done with its file: it retires, and died() starts a usual one
        // for the jobs left.
        slot.retiring = true;
        void slot.worker.terminate();
      }
    };

    const stopAll = (): void => {
      stopped = true;
      for (const slot of slots) {
        slot.retiring = true;
        void slot.worker.terminate();
      }
    };

    const died = (slot: Slot, reason: string, outOfMemory = false): void => {
      if (slot.dead) return;
      slot.dead = true;
      slots.delete(slot);
      // Started for a file it never got to (it died first): that file is still owed an outcome.
      const job = slot.job ?? slot.first;
      slot.job = undefined;
      slot.first = undefined;
      if (job !== undefined && outOfMemory && !slot.roomy && !stopped) {
        discard(job);
        start(true, job);
        settleIfIdle();
        return;
      }
      if (job !== undefined) {
        discard(job);
        // Cut short by an abort, a file is not processed rather than failed: it is in no report.
        if (stopped && fatal === undefined) {
          interrupted++;
        } else {
          onOutcome({
            status: 'failed',
            relativePath: job,
            error: {
              code: 'WORKER_CRASHED',
              message: `the worker stopped on this file: ${reason}`,
            },
          });
        }
      }
      if (!slot.ready && !slot.retiring && !stopped) {
        fatal = new Error(`a worker could not start: ${reason}`);
        stopAll();
      } else if (!stopped && next < jobs.length) {
        start();
      }
      settleIfIdle();
    };

    const start = (roomy = false, first?: string): void => {
      const worker = new Worker(run.workerUrl, {
        workerData: init,
        resourceLimits: roomy ? limits.roomy : limits.usual,
      });
      const slot: Slot = { worker, roomy, first, ready: false, retiring: false, dead: false };
      slots.add(slot);
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'ready') {
          slot.ready = true;
        } else {
          slot.job = undefined;
          onOutcome(message.outcome);
        }
        feed(slot);
      });
      worker.on('error', (error: Error & { code?: string }) =>
        died(slot, error.message, error.code === 'ERR_WORKER_OUT_OF_MEMORY'),
      );
      worker.on('exit', (code) => {
        if (slot.retiring) {
          // Terminated by us: an unfinished job was interrupted, not crashed.
          died(slot, 'terminated');
        } else {
          died(slot, `exit code ${code}`);
        }
      });
    };

    if (run.signal?.aborted) stopped = true;
    run.signal?.addEventListener('abort', stopAll, { once: true });
    const count = stopped ? 0 : Math.min(run.size, jobs.length);
    for (let i = 0; i < count; i++) start();
    settleIfIdle();
  });
}
