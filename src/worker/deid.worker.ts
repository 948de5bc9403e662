import { processJob } from './processJob';
import type { BatchSetup, FromWorker, ToWorker } from './protocol';

/**
 * The worker entry: transport only. It keeps the setup of the current batch (plan, key, pseudonym
 * table arrive once, not with every file) and answers each job with its outcome, the output as a
 * Blob (its handle crosses, not its bytes: see protocol.ts). Cancel is the pool's: it terminates the worker, because deidentify() is
 * synchronous and could not hear a message until the file was done.
 */

/** The members of the worker's global scope used here (typed so the entry also compiles for tests). */
interface WorkerScope {
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker, transfer: Transferable[]): void;
}
const scope = self as unknown as WorkerScope;

let batch: { readonly id: number; readonly setup: BatchSetup } | undefined;

scope.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  if (message.type === 'setup') {
    batch = { id: message.batch, setup: message.setup };
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
  const outcome = await processJob(batch.setup, message.fileName, message.source);
  reply({ type: 'done', job: message.job, outcome });
}

function reply(message: FromWorker): void {
  // Nothing to transfer: the only large payload is a Blob, whose bytes postMessage never copies.
  scope.postMessage(message, []);
}
