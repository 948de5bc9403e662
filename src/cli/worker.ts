import { parentPort, workerData } from 'node:worker_threads';
import { buildPlan } from '../core/deid/plan';
import { createProjectKey } from '../core/deid/projectKey';
import { processFile } from './processFile';
import type { FileEnv } from './processFile';
import type { FileJob, WorkerInit, WorkerMessage } from './protocol';

// One file at a time: the main thread sends the next job only after `done`, which bounds memory
// to one file (plus its output) per worker.
const init = workerData as WorkerInit;
const env: FileEnv = {
  inputRoot: init.inputRoot,
  outputRoot: init.outputRoot,
  plan: buildPlan(init.profile),
  key: createProjectKey(init.keyBytes),
  pseudonymTable: init.pseudonymTable,
  acceptResidual: init.acceptResidual === true,
};
const port = parentPort!;
port.on('message', (job: FileJob) => {
  const message: WorkerMessage = { type: 'done', outcome: processFile(job.relativePath, env) };
  port.postMessage(message);
});
port.postMessage({ type: 'ready' } satisfies WorkerMessage);
