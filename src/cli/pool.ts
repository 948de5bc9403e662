import { rmSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { outputPathOf, PARTIAL_SUFFIX } from './processFile';
import type { FileOutcome, WorkerInit, WorkerMessage } from './protocol';

export interface PoolRun {
  readonly workerUrl: URL;
  readonly size: number;
  readonly init: WorkerInit;
  readonly jobs: readonly string[];
  readonly onOutcome: (outcome: FileOutcome) => void;
  readonly signal?: AbortSignal;
}

interface Slot {
  readonly worker: Worker;
  job?: string | undefined;
  ready: boolean;
  retiring: boolean;
  dead: boolean;
}

/**
 * A worker de-identifies one file after another and keeps nothing of a file once it is written,
 * so a large nursery only lets garbage pile up: 6 MB of young generation (2 MB semi-spaces,
 * `node --max-semi-space-size=2`) instead of V8's default of up to 48 MB. Measured with the CLI
 * and one worker (peak RSS, time): CT series 128 → 101 MB, 2,000 small files 153 → 130 MB, with
 * no time lost. V8's --optimize-for-size would take the small files to 104 MB, but costs 27% more
 * time on them (and 6% on the CT series), so it is not used. Old generation: V8's default, as a
 * large object (a 300,000-element RT Structure Set) must not run out of heap.
 */
export const WORKER_LIMITS = { maxYoungGenerationSizeMb: 6 } as const;

/**
 * Runs every job on `size` worker threads, one file per worker at a time (so at most `size` files
 * are in memory). A worker that dies takes only its current file with it: that file is failed, its
 * output removed, and a fresh worker carries on. A worker that dies before it is ready (it could not
 * even build the plan) stops the run: every other worker would die the same way.
 *
 * Resolves with the number of files not processed (non-zero only when `signal` aborted the run:
 * files never started, and files cut short, whose partial output is removed).
 */
export function runPool(run: PoolRun): Promise<{ notProcessed: number }> {
  const { jobs, onOutcome, init } = run;
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
      if (!stopped && next < jobs.length) {
        slot.job = jobs[next++]!;
        slot.worker.postMessage({ relativePath: slot.job });
      } else {
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

    const died = (slot: Slot, reason: string): void => {
      if (slot.dead) return;
      slot.dead = true;
      slots.delete(slot);
      const job = slot.job;
      slot.job = undefined;
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

    const start = (): void => {
      const worker = new Worker(run.workerUrl, { workerData: init, resourceLimits: WORKER_LIMITS });
      const slot: Slot = { worker, ready: false, retiring: false, dead: false };
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
      worker.on('error', (error) => died(slot, error.message));
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
