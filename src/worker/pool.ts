import { processJob } from './processJob';
import type { BatchSetup, FromWorker, JobOutcome, SourceRef, ToWorker } from './protocol';

/** The part of a Worker the pool uses (a fake one in tests). */
export interface WorkerLike {
  onmessage: ((event: MessageEvent<FromWorker>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  postMessage(message: ToWorker, transfer: Transferable[]): void;
  terminate(): void;
}

export interface PoolOptions {
  /** Workers at most; default navigator.hardwareConcurrency. */
  readonly size?: number;
  /** A worker with nothing to do for this long is shut down (it restarts on demand). */
  readonly idleMs?: number;
  /** Jobs given to one worker at once: the second file is read while the first is processed. */
  readonly jobsPerWorker?: number;
  /** null: no workers at all, every job runs on the page (also chosen when Worker is missing). */
  readonly createWorker?: (() => WorkerLike) | null;
}

/** What the store needs from a pool. */
export interface DeidRunner {
  run(
    setup: BatchSetup,
    fileName: string,
    source: SourceRef,
    signal?: AbortSignal,
  ): Promise<JobOutcome>;
  /** Stops every worker now; jobs in flight or queued resolve as ABORTED. */
  dispose(): void;
  /** 'workers', or 'page' when running on the main thread. */
  readonly mode: () => 'workers' | 'page';
}

interface Job {
  readonly id: number;
  readonly batch: number;
  readonly setup: BatchSetup;
  readonly fileName: string;
  readonly source: SourceRef;
  readonly signal: AbortSignal | undefined;
  readonly resolve: (outcome: JobOutcome) => void;
  readonly detach: () => void;
  /** Workers that died holding this job. */
  crashes: number;
}

interface Slot {
  readonly worker: WorkerLike;
  readonly jobs: Map<number, Job>;
  batch: number | undefined;
  answered: boolean;
  idleTimer: ReturnType<typeof setTimeout> | undefined;
}

const ABORTED: JobOutcome = { ok: false, error: { code: 'ABORTED', message: 'cancelled' } };
/** Workers that die before their first answer; after this many, the page does the work instead. */
const MAX_START_FAILURES = 3;
/** More workers than this cost memory (each holds one or two files) without adding speed. */
const MAX_WORKERS = 16;

export function defaultWorkerFactory(): (() => WorkerLike) | null {
  if (typeof Worker === 'undefined') return null;
  return () =>
    new Worker(new URL('./deid.worker.ts', import.meta.url), {
      type: 'module',
      name: 'veil-deid',
    }) as unknown as WorkerLike;
}

/**
 * One worker per core, started on the first job and shut down when idle. Jobs queue on the page;
 * each worker holds at most `jobsPerWorker`. Cancel terminates the workers that hold an aborted
 * job: deidentify() is synchronous, so terminating is the only way to stop it at once. A worker
 * that crashes gives its files to another; a file that two workers died on fails alone (fail
 * closed). Workers that cannot even start (a blocked script, an old browser) make the pool fall
 * back to running jobs on the page, one at a time.
 */
export function createDeidPool(options: PoolOptions = {}): DeidRunner {
  const hardware =
    typeof navigator !== 'undefined' && navigator.hardwareConcurrency > 0
      ? navigator.hardwareConcurrency
      : 4;
  const size = Math.max(1, Math.min(MAX_WORKERS, options.size ?? hardware));
  const idleMs = options.idleMs ?? 30_000;
  const perWorker = Math.max(1, options.jobsPerWorker ?? 2);
  const factory =
    options.createWorker === undefined ? defaultWorkerFactory() : options.createWorker;

  const queue: Job[] = [];
  const slots = new Set<Slot>();
  const batches = new WeakMap<BatchSetup, number>();
  let nextBatch = 1;
  let nextJob = 1;
  let startFailures = 0;
  let onPage = factory === null;
  let pageBusy = false;

  const batchOf = (setup: BatchSetup): number => {
    let id = batches.get(setup);
    if (id === undefined) {
      id = nextBatch++;
      batches.set(setup, id);
    }
    return id;
  };

  const finish = (job: Job, outcome: JobOutcome): void => {
    job.detach();
    job.resolve(outcome);
  };

  const retire = (slot: Slot): void => {
    if (slot.idleTimer !== undefined) clearTimeout(slot.idleTimer);
    slots.delete(slot);
    slot.worker.onmessage = null;
    slot.worker.onerror = null;
    slot.worker.terminate();
  };

  const startSlot = (): Slot => {
    const worker = factory!();
    const slot: Slot = {
      worker,
      jobs: new Map(),
      batch: undefined,
      answered: false,
      idleTimer: undefined,
    };
    worker.onmessage = (event) => {
      const { job: id, outcome } = event.data;
      slot.answered = true;
      startFailures = 0;
      const job = slot.jobs.get(id);
      if (!job) return;
      slot.jobs.delete(id);
      finish(job, outcome);
      pump();
    };
    worker.onerror = (event) => {
      event.preventDefault?.();
      const lost = [...slot.jobs.values()];
      retire(slot);
      if (!slot.answered) {
        // Most likely the script never ran (blocked, unsupported): the files are not to blame.
        startFailures++;
        if (startFailures >= MAX_START_FAILURES) {
          onPage = true;
          for (const other of [...slots]) {
            if (other.answered) continue;
            lost.push(...other.jobs.values());
            retire(other);
          }
        }
      }
      for (const job of lost.reverse()) {
        job.crashes++;
        if (slot.answered && job.crashes >= 2) {
          finish(job, {
            ok: false,
            error: {
              code: 'WORKER_CRASHED',
              message:
                'the worker stopped twice while processing this file (out of memory?); the file was left out',
            },
          });
        } else queue.unshift(job);
      }
      pump();
    };
    slots.add(slot);
    return slot;
  };

  const send = (slot: Slot, job: Job): void => {
    if (slot.idleTimer !== undefined) {
      clearTimeout(slot.idleTimer);
      slot.idleTimer = undefined;
    }
    if (slot.batch !== job.batch) {
      slot.worker.postMessage({ type: 'setup', batch: job.batch, setup: job.setup }, []);
      slot.batch = job.batch;
    }
    slot.jobs.set(job.id, job);
    // Nothing to transfer on the way in: the source is a Blob handle, read in the worker.
    slot.worker.postMessage(
      { type: 'run', job: job.id, batch: job.batch, fileName: job.fileName, source: job.source },
      [],
    );
  };

  const pump = (): void => {
    if (onPage) {
      void pumpOnPage();
      return;
    }
    while (queue.length > 0) {
      // Jobs whose batch was cancelled while queued (their abort handlers may not have run yet).
      if (queue[0]!.signal?.aborted) {
        finish(queue.shift()!, ABORTED);
        continue;
      }
      let target: Slot | undefined;
      for (const slot of slots) {
        if (slot.jobs.size < perWorker && (!target || slot.jobs.size < target.jobs.size))
          target = slot;
      }
      // Lazy start: a new worker only while every running one already has work.
      if ((!target || target.jobs.size > 0) && slots.size < size) target = startSlot();
      if (!target) break;
      send(target, queue.shift()!);
    }
    for (const slot of slots) {
      if (slot.jobs.size === 0 && slot.idleTimer === undefined) {
        slot.idleTimer = setTimeout(() => retire(slot), idleMs);
      }
    }
  };

  const pumpOnPage = async (): Promise<void> => {
    if (pageBusy) return;
    pageBusy = true;
    try {
      for (let job = queue.shift(); job; job = queue.shift()) {
        if (job.signal?.aborted) {
          finish(job, ABORTED);
          continue;
        }
        const outcome = await processJob(job.setup, job.fileName, job.source, job.signal);
        finish(job, outcome);
        // Let the page paint and handle input between files.
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    } finally {
      pageBusy = false;
    }
  };

  const abort = (job: Job): void => {
    const queued = queue.indexOf(job);
    if (queued >= 0) {
      queue.splice(queued, 1);
      finish(job, ABORTED);
      return;
    }
    for (const slot of slots) {
      if (!slot.jobs.has(job.id)) continue;
      // Other jobs on the same worker go back to the front of the queue unless aborted too.
      const others = [...slot.jobs.values()].filter((other) => other !== job);
      retire(slot);
      finish(job, ABORTED);
      for (const other of others.reverse()) {
        if (other.signal?.aborted) finish(other, ABORTED);
        else queue.unshift(other);
      }
      pump();
      return;
    }
  };

  return {
    mode: () => (onPage ? 'page' : 'workers'),
    run(setup, fileName, source, signal) {
      if (signal?.aborted) return Promise.resolve(ABORTED);
      return new Promise<JobOutcome>((resolve) => {
        const onAbort = () => abort(job);
        const job: Job = {
          id: nextJob++,
          batch: batchOf(setup),
          setup,
          fileName,
          source,
          signal,
          resolve,
          detach: () => signal?.removeEventListener('abort', onAbort),
          crashes: 0,
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        queue.push(job);
        pump();
      });
    },
    dispose() {
      const pending = [...queue.splice(0)];
      for (const slot of [...slots]) {
        pending.push(...slot.jobs.values());
        retire(slot);
      }
      for (const job of pending) finish(job, ABORTED);
    },
  };
}
