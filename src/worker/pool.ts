import { inspectJob, processJob } from './processJob';
import type {
  BatchSetup,
  FromWorker,
  InspectOutcome,
  JobFailure,
  JobMode,
  JobOutcome,
  OutputRef,
  SourceRef,
  ToWorker,
} from './protocol';
import { sourceSize } from './source';
import { openWorkArea, type WorkArea } from './workArea';

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
  /**
   * Input bytes in the workers at once, at most (one job always runs, however large). A job holds
   * about three times its file at its peak (the input, the joined output, the digest's copy), so
   * this bounds the tab's memory: with the default, CT slices keep every worker busy, but two
   * 105 MB multi-frame files take turns (~330 MB at the peak instead of ~650 MB).
   */
  readonly maxBytesInFlight?: number;
  /** null: no workers at all, every job runs on the page (also chosen when Worker is missing). */
  readonly createWorker?: (() => WorkerLike) | null;
  /**
   * Where workers keep outputs: this tab's work files (the default where the browser has an
   * origin private file system), or null for Blobs.
   */
  readonly workArea?: WorkArea | null;
  /**
   * How long a released batch's work files are kept: an export of it may still be reading them
   * (a 2 GB zip going to a slow disk, or a download the browser is still writing).
   */
  readonly releaseMs?: number;
}

/** What the store needs from a pool. */
export interface DeidRunner {
  /** De-identifies one file of a batch and keeps its output (see `output`). */
  run(
    setup: BatchSetup,
    fileName: string,
    source: SourceRef,
    signal?: AbortSignal,
    /** The file's size when known (asking a File costs a trip to the disk). */
    size?: number,
  ): Promise<JobOutcome>;
  /**
   * De-identifies one file again for the person reviewing it (every change with its values),
   * ahead of any queued batch job.
   */
  inspect(
    setup: BatchSetup,
    fileName: string,
    source: SourceRef,
    signal?: AbortSignal,
  ): Promise<InspectOutcome>;
  /** Call once every job of the batch is answered: its outputs become readable. */
  finish(setup: BatchSetup): Promise<void>;
  /** A kept output as a Blob (disk-backed when in a work file); its batch must be finished. */
  output(ref: OutputRef): Promise<Blob>;
  /** The batch's outputs are no longer needed: their work files go after a grace period. */
  release(setup: BatchSetup): void;
  /** Stops every worker now; jobs in flight or queued resolve as ABORTED. */
  dispose(): void;
  /** 'workers', or 'page' when running on the main thread. */
  readonly mode: () => 'workers' | 'page';
}

interface Job {
  readonly id: number;
  readonly batch: number;
  readonly mode: JobMode;
  readonly setup: BatchSetup;
  readonly fileName: string;
  readonly source: SourceRef;
  /** Bytes of input, for the in-flight budget. */
  readonly size: number;
  readonly signal: AbortSignal | undefined;
  readonly resolve: (outcome: JobOutcome | InspectOutcome) => void;
  readonly detach: () => void;
  /** Workers that died holding this job. */
  crashes: number;
}

interface Slot {
  readonly worker: WorkerLike;
  readonly jobs: Map<number, Job>;
  batch: number | undefined;
  /** Batches this worker kept outputs of, in a work file it has open until told to finish. */
  readonly writing: Set<number>;
  /** Answers awaited to 'finish' messages, by batch. */
  readonly finishing: Map<number, () => void>;
  answered: boolean;
  idleTimer: ReturnType<typeof setTimeout> | undefined;
}

const ABORTED: JobFailure = { ok: false, error: { code: 'ABORTED', message: 'cancelled' } };
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
  const maxBytes = options.maxBytesInFlight ?? 160 * 1024 * 1024;
  let bytesInFlight = 0;
  const factory =
    options.createWorker === undefined ? defaultWorkerFactory() : options.createWorker;
  const workArea =
    options.workArea !== undefined ? options.workArea : factory ? openWorkArea() : null;
  const releaseMs = options.releaseMs ?? 60 * 60_000;

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

  const finish = (job: Job, outcome: JobOutcome | InspectOutcome): void => {
    if (inFlight.delete(job)) bytesInFlight -= job.size;
    job.detach();
    job.resolve(outcome);
  };
  /** Jobs sent to a worker and not answered yet. */
  const inFlight = new Set<Job>();
  /** Back to the front of the queue (its worker is gone). */
  const requeue = (job: Job): void => {
    if (inFlight.delete(job)) bytesInFlight -= job.size;
    queue.unshift(job);
  };

  const retire = (slot: Slot): void => {
    if (slot.idleTimer !== undefined) clearTimeout(slot.idleTimer);
    slots.delete(slot);
    slot.worker.onmessage = null;
    slot.worker.onerror = null;
    slot.worker.terminate();
    // A terminated worker's files are closed with it.
    for (const done of slot.finishing.values()) done();
    slot.finishing.clear();
  };

  const startSlot = (): Slot => {
    const worker = factory!();
    const slot: Slot = {
      worker,
      jobs: new Map(),
      batch: undefined,
      writing: new Set(),
      finishing: new Map(),
      answered: false,
      idleTimer: undefined,
    };
    worker.onmessage = (event) => {
      slot.answered = true;
      startFailures = 0;
      if (event.data.type === 'finished') {
        const { batch } = event.data;
        slot.writing.delete(batch);
        slot.finishing.get(batch)?.();
        slot.finishing.delete(batch);
        return;
      }
      const { job: id, outcome } = event.data;
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
        } else requeue(job);
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
      slot.worker.postMessage(
        { type: 'setup', batch: job.batch, setup: job.setup, workDir: workArea?.dir ?? null },
        [],
      );
      slot.batch = job.batch;
    }
    slot.jobs.set(job.id, job);
    if (job.mode === 'batch' && workArea) slot.writing.add(job.batch);
    // Nothing to transfer on the way in: the source is a Blob handle, read in the worker.
    slot.worker.postMessage(
      {
        type: 'run',
        job: job.id,
        batch: job.batch,
        mode: job.mode,
        fileName: job.fileName,
        source: job.source,
      },
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
      const next = queue[0]!;
      if (inFlight.size > 0 && bytesInFlight + next.size > maxBytes) break;
      queue.shift();
      inFlight.add(next);
      bytesInFlight += next.size;
      send(target, next);
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
        const signal = job.signal;
        const outcome =
          job.mode === 'inspect'
            ? await inspectJob(job.setup, job.fileName, job.source, signal)
            : await processJob(job.setup, job.fileName, job.source, signal ? { signal } : {});
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
        else requeue(other);
      }
      pump();
      return;
    }
  };

  const enqueue = <T extends JobOutcome | InspectOutcome>(
    mode: JobMode,
    setup: BatchSetup,
    fileName: string,
    source: SourceRef,
    signal: AbortSignal | undefined,
    size = sourceSize(source),
  ): Promise<T> => {
    if (signal?.aborted) return Promise.resolve(ABORTED as T);
    return new Promise<T>((resolve) => {
      const onAbort = () => abort(job);
      const job: Job = {
        id: nextJob++,
        batch: batchOf(setup),
        mode,
        setup,
        fileName,
        source,
        size,
        signal,
        resolve: resolve as (outcome: JobOutcome | InspectOutcome) => void,
        detach: () => signal?.removeEventListener('abort', onAbort),
        crashes: 0,
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      // The person is waiting for an inspection: it goes before the batch's queued files.
      if (mode === 'inspect') queue.unshift(job);
      else queue.push(job);
      pump();
    });
  };

  return {
    mode: () => (onPage ? 'page' : 'workers'),
    run: (setup, fileName, source, signal, size) =>
      enqueue<JobOutcome>('batch', setup, fileName, source, signal, size),
    inspect: (setup, fileName, source, signal) =>
      enqueue<InspectOutcome>('inspect', setup, fileName, source, signal),
    finish: async (setup) => {
      const batch = batches.get(setup);
      if (batch === undefined) return;
      const waits: Promise<void>[] = [];
      for (const slot of slots) {
        if (!slot.writing.has(batch)) continue;
        waits.push(
          new Promise<void>((resolve) => {
            const before = slot.finishing.get(batch);
            slot.finishing.set(batch, () => {
              before?.();
              resolve();
            });
          }),
        );
        slot.worker.postMessage({ type: 'finish', batch }, []);
      }
      await Promise.all(waits);
    },
    output: async (ref) => {
      if (ref.kind === 'blob') return ref.blob;
      if (!workArea) throw new Error('no work area for a stored output');
      return workArea.blob(ref);
    },
    release: (setup) => {
      const batch = batches.get(setup);
      if (batch === undefined || !workArea) return;
      setTimeout(() => void workArea.removeBatch(batch), releaseMs);
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
