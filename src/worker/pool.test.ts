import { afterEach, describe, expect, it, vi } from 'vitest';
import { FIXTURES, readFixture } from '../../test/fixtures';
import { buildPlan } from '../core/deid/plan';
import { defaultProfile } from '../core/deid/profile';
import { createProjectKey } from '../core/deid/projectKey';
import { parseFile } from '../core/dicom/parse';
import { createDeidPool, type WorkerLike } from './pool';
import { processJob, sha256Hex } from './processJob';
import type { BatchSetup, FromWorker, JobOutcome, SourceRef, ToWorker } from './protocol';

const setup = (): BatchSetup => ({
  plan: buildPlan(defaultProfile()),
  key: createProjectKey(new Uint8Array(32).fill(9)),
});

const source = (bytes: Uint8Array): SourceRef => ({
  kind: 'blob',
  blob: new Blob([bytes as Uint8Array<ArrayBuffer>]),
});

type Behaviour = 'work' | 'hang' | 'fail-start';

/**
 * A worker that does what deid.worker.ts does (the real processJob), with the reply passed through
 * structuredClone and its transfer list, as postMessage would; or one that hangs, or never starts.
 */
class FakeWorker implements WorkerLike {
  onmessage: ((event: MessageEvent<FromWorker>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  readonly posted: { message: ToWorker; transfer: Transferable[] }[] = [];
  terminated = false;
  private setup: { batch: number; setup: BatchSetup } | undefined;

  constructor(private readonly behaviour: Behaviour) {}

  postMessage(message: ToWorker, transfer: Transferable[]): void {
    this.posted.push({ message, transfer });
    if (this.behaviour === 'fail-start') {
      setTimeout(() => this.onerror?.({ preventDefault() {} } as ErrorEvent), 1);
      return;
    }
    if (message.type === 'setup') {
      this.setup = { batch: message.batch, setup: message.setup };
      return;
    }
    if (this.behaviour === 'hang') return;
    const current = this.setup!;
    expect(current.batch).toBe(message.batch);
    void processJob(current.setup, message.fileName, message.source).then((outcome) => {
      if (this.terminated) return;
      const reply: FromWorker = { type: 'done', job: message.job, outcome };
      const received = structuredClone(reply);
      this.onmessage?.({ data: received } as MessageEvent<FromWorker>);
    });
  }

  terminate(): void {
    this.terminated = true;
  }

  runs(): number {
    return this.posted.filter((p) => p.message.type === 'run').length;
  }
}

function fakeFactory(behaviours: (index: number) => Behaviour = () => 'work') {
  const workers: FakeWorker[] = [];
  const create = () => {
    const worker = new FakeWorker(behaviours(workers.length));
    workers.push(worker);
    return worker;
  };
  return { workers, create };
}

/** Every byte of typed-array payload in a message: the pool must post handles, not file bytes. */
function payloadBytes(value: unknown, seen = new Set<unknown>()): number {
  if (value === null || typeof value !== 'object' || seen.has(value)) return 0;
  seen.add(value);
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (value instanceof ArrayBuffer) return value.byteLength;
  if (value instanceof Blob) return 0;
  let total = 0;
  const entries = value instanceof Map ? [...value.values()] : Object.values(value);
  for (const v of entries) total += payloadBytes(v, seen);
  return total;
}

const okOutcome = (outcome: JobOutcome) => {
  if (!outcome.ok) throw new Error(`${outcome.error.code}: ${outcome.error.message}`);
  return outcome;
};

afterEach(() => vi.useRealTimers());

describe('createDeidPool with workers', () => {
  const images = FIXTURES.filter((f) => f.covers.includes('explicit-vr-le')).slice(0, 6);

  it('de-identifies every file, sending each worker the setup once and no file bytes', async () => {
    const { workers, create } = fakeFactory();
    const pool = createDeidPool({ size: 3, createWorker: create, idleMs: 60_000 });
    const batch = setup();
    const outcomes = await Promise.all(
      images.map((f) => pool.run(batch, f.file, source(readFixture(f.file)))),
    );
    expect(workers.length).toBe(3);
    for (const worker of workers) {
      const setups = worker.posted.filter((p) => p.message.type === 'setup');
      expect(setups.length).toBe(1);
      for (const { message, transfer } of worker.posted) {
        expect(transfer).toEqual([]);
        // The setup carries the 32-byte key and nothing else binary; runs carry Blob handles.
        expect(payloadBytes(message)).toBeLessThanOrEqual(32);
      }
    }
    expect(workers.reduce((n, w) => n + w.runs(), 0)).toBe(images.length);
    for (const [index, outcome] of outcomes.entries()) {
      const success = okOutcome(outcome);
      const input = readFixture(images[index]!.file);
      expect(success.inputBytes).toBe(input.length);
      expect(success.inputSha256).toBe(await sha256Hex(input));
      const bytes = new Uint8Array(await success.output.arrayBuffer());
      expect(bytes.length).toBe(success.outputBytes);
      expect(success.outputSha256).toBe(await sha256Hex(bytes));
      // The output arrived whole and is a DICOM file with the new UID.
      const parsed = parseFile(bytes, 'out.dcm');
      const sop = parsed.dataset.elements.find((e) => e.tag === 0x00080018)!;
      expect(
        new TextDecoder()
          .decode(bytes.subarray(sop.valueOffset, sop.valueOffset + sop.length))
          .replace(/\0$/, ''),
      ).toBe(success.identity.sopInstanceUid);
      expect(success.changes.length).toBeGreaterThan(0);
    }
    pool.dispose();
    expect(workers.every((w) => w.terminated)).toBe(true);
  });

  it('starts workers lazily and shuts them down when idle', async () => {
    const { workers, create } = fakeFactory();
    const pool = createDeidPool({ size: 4, createWorker: create, idleMs: 20 });
    expect(workers.length).toBe(0);
    okOutcome(await pool.run(setup(), 'a.dcm', source(readFixture('MR_small.dcm'))));
    expect(workers.length).toBe(1);
    expect(workers[0]!.terminated).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(workers[0]!.terminated).toBe(true);
    // A later job starts a fresh worker, which needs the setup again.
    okOutcome(await pool.run(setup(), 'b.dcm', source(readFixture('MR_small.dcm'))));
    expect(workers.length).toBe(2);
    expect(workers[1]!.posted[0]!.message.type).toBe('setup');
    pool.dispose();
  });

  it('a new batch sends a new setup to a worker that served the previous one', async () => {
    const { workers, create } = fakeFactory();
    const pool = createDeidPool({ size: 1, createWorker: create });
    const bytes = readFixture('CT_small.dcm');
    const first = okOutcome(await pool.run(setup(), 'a.dcm', source(bytes)));
    const other: BatchSetup = { ...setup(), key: createProjectKey(new Uint8Array(32).fill(3)) };
    const second = okOutcome(await pool.run(other, 'a.dcm', source(bytes)));
    expect(workers.length).toBe(1);
    expect(workers[0]!.posted.map((p) => p.message.type)).toEqual(['setup', 'run', 'setup', 'run']);
    // Another key, another pseudonym and other UIDs.
    expect(second.identity.sopInstanceUid).not.toBe(first.identity.sopInstanceUid);
    pool.dispose();
  });

  it('cancel resolves queued and running jobs as ABORTED and terminates the busy worker', async () => {
    const { workers, create } = fakeFactory(() => 'hang');
    const pool = createDeidPool({ size: 2, jobsPerWorker: 1, createWorker: create });
    const controller = new AbortController();
    const runs = [1, 2, 3, 4].map((n) =>
      pool.run(setup(), `${n}.dcm`, source(readFixture('MR_small.dcm')), controller.signal),
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(workers.length).toBe(2);
    expect(workers.every((w) => !w.terminated)).toBe(true);
    controller.abort();
    const outcomes = await Promise.all(runs);
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.error.code))).toEqual([
      'ABORTED',
      'ABORTED',
      'ABORTED',
      'ABORTED',
    ]);
    expect(workers.every((w) => w.terminated)).toBe(true);
    // Only two files were ever sent: the queued ones never reached a worker.
    expect(workers.reduce((n, w) => n + w.runs(), 0)).toBe(2);
  });

  it('an aborted job gives its worker-mates back to the queue', async () => {
    let hang = true;
    const { workers, create } = fakeFactory(() => (hang ? 'hang' : 'work'));
    const pool = createDeidPool({ size: 1, jobsPerWorker: 2, createWorker: create });
    const controller = new AbortController();
    const doomed = pool.run(
      setup(),
      'x.dcm',
      source(readFixture('MR_small.dcm')),
      controller.signal,
    );
    const survivor = pool.run(setup(), 'y.dcm', source(readFixture('MR_small.dcm')));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(workers[0]!.runs()).toBe(2);
    hang = false;
    controller.abort();
    expect((await doomed).ok).toBe(false);
    okOutcome(await survivor);
    expect(workers.length).toBe(2);
    pool.dispose();
  });

  it('falls back to the page when workers cannot start, and still de-identifies', async () => {
    const { workers, create } = fakeFactory(() => 'fail-start');
    const pool = createDeidPool({ size: 2, createWorker: create });
    const outcomes = await Promise.all(
      ['MR_small.dcm', 'CT_small.dcm', 'rtplan.dcm'].map((f) =>
        pool.run(setup(), f, source(readFixture(f))),
      ),
    );
    outcomes.forEach(okOutcome);
    expect(pool.mode()).toBe('page');
    expect(workers.length).toBeGreaterThanOrEqual(3);
  });

  it('runs on the page when there is no Worker at all', async () => {
    const pool = createDeidPool({ createWorker: null });
    expect(pool.mode()).toBe('page');
    const outcome = await pool.run(setup(), 'notes.txt', source(new TextEncoder().encode('hello')));
    expect(outcome.ok ? 'ok' : outcome.error.code).toBe('NOT_DICOM');
    okOutcome(await pool.run(setup(), 'a.dcm', source(readFixture('MR_small_implicit.dcm'))));
  });
});

describe('deid.worker.ts entry', () => {
  it('answers with the outcome, the output as a Blob and no bytes in the message', async () => {
    const posted: { message: FromWorker; transfer: Transferable[] }[] = [];
    const scope: {
      onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
      postMessage: (message: FromWorker, transfer: Transferable[]) => void;
    } = { onmessage: null, postMessage: (message, transfer) => posted.push({ message, transfer }) };
    vi.stubGlobal('self', scope);
    await import('./deid.worker');
    const send = (data: ToWorker) => scope.onmessage!({ data } as MessageEvent<ToWorker>);
    send({
      type: 'run',
      job: 1,
      batch: 7,
      fileName: 'a.dcm',
      source: source(readFixture('MR_small.dcm')),
    });
    send({ type: 'setup', batch: 7, setup: setup() });
    send({
      type: 'run',
      job: 2,
      batch: 7,
      fileName: 'a.dcm',
      source: source(readFixture('MR_small.dcm')),
    });
    await vi.waitFor(() => expect(posted.length).toBe(2));
    const [refused, done] = posted;
    expect(refused!.message.outcome.ok).toBe(false);
    expect(refused!.transfer).toEqual([]);
    const outcome = okOutcome(done!.message.outcome);
    expect(done!.message.job).toBe(2);
    expect(done!.transfer).toEqual([]);
    expect(outcome.output).toBeInstanceOf(Blob);
    expect(outcome.output.size).toBe(outcome.outputBytes);
    // Changes are text; the file itself crosses only as a Blob handle.
    expect(payloadBytes(done!.message)).toBe(0);
    vi.unstubAllGlobals();
  });
});
