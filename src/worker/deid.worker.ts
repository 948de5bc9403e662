import { inspectJob, processJob } from './processJob';
import type { BatchSetup, FromWorker, ToWorker } from './protocol';
import { WorkFileSink, workFileName } from './workFile';

/**
 * The worker entry: transport only. It keeps the setup of the current batch (plan, key, pseudonym
 * table arrive once, not with every file), a work file per batch for the outputs (see
 * workFile.ts), and answers each job with its outcome. Cancel is the pool's: it terminates the
 * worker, because deidentify() is synchronous and could not hear a message until the file was done.
 */

/** The members of the worker's global scope used here (typed so the entry also compiles for tests). */
interface WorkerScope {
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker, transfer: Transferable[]): void;
}
const scope = self as unknown as WorkerScope;

let batch:
  { readonly id: number; readonly setup: BatchSetup; readonly workDir: string | null } | undefined;
/** Open work files by batch; closed when the pool says the batch is finished. */
const sinks = new Map<number, WorkFileSink>();
/** Names this worker's work files apart from those of the other workers of the tab. */
const unique = crypto.randomUUID();
/** A batch finished and then given more jobs gets a new file: never append to a closed one. */
let opened = 0;

scope.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  if (message.type === 'setup') {
    batch = { id: message.batch, setup: message.setup, workDir: message.workDir };
    return;
  }
  if (message.type === 'finish') {
    void finish(message.batch);
    return;
  }
  void run(message);
};

async function run(message: Extract<ToWorker, { type: 'run' }>): Promise<void> {
  if (batch?.id !== message.batch) {
    reply({
      type: 'done',
      job: message.job,
      outcome: {
        ok: false,
        error: { code: 'INTERNAL', message: 'the worker has no setup for this batch' },
      },
    });
    return;
  }
  const { setup } = batch;
  const outcome =
    message.mode === 'inspect'
      ? await inspectJob(setup, message.fileName, message.source)
      : await processJob(setup, message.fileName, message.source, {
          ...(batch.workDir !== null ? { sink: sinkFor(message.batch, batch.workDir) } : {}),
        });
  reply({ type: 'done', job: message.job, outcome });
}

function sinkFor(id: number, workDir: string): WorkFileSink {
  let sink = sinks.get(id);
  if (!sink) {
    sink = new WorkFileSink(workDir, workFileName(id, `${unique}-${++opened}`));
    sinks.set(id, sink);
  }
  return sink;
}

async function finish(id: number): Promise<void> {
  const sink = sinks.get(id);
  sinks.delete(id);
  await sink?.close();
  reply({ type: 'finished', batch: id });
}

function reply(message: FromWorker): void {
  // Nothing to transfer: outputs are in work files or Blobs, whose bytes postMessage never copies.
  scope.postMessage(message, []);
}
