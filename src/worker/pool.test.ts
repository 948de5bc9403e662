import { crc32 as zlibCrc32 } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FIXTURES, readFixture } from '../../test/fixtures';
import { buildPlan } from '../core/deid/plan';
import { defaultProfile } from '../core/deid/profile';
import { createProjectKey } from '../core/deid/projectKey';
import { parseFile } from '../core/dicom/parse';
import { createDeidPool, type WorkerLike } from './pool';
import { inspectJob, processJob, sha256Hex } from './processJob';
import type {
  BatchSetup,
  FromWorker,
  InspectOutcome,
  JobOutcome,
  OutputRef,
  SourceRef,
  ToWorker,
} from './protocol';
import { parseOutcomes } from './reviewDigest';
import type { WorkArea } from './workArea';
import type { OutputSink } from './workFile';

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
 * Work files in memory, standing in for the origin private file system: a worker's sink appends to
 * its file, and the page reads the bytes back through `area`, only once the file is closed (as a
 * File taken before the last append would be stale in a browser).
 */
class MemoryWorkFiles {
  readonly files = new Map<string, { bytes: Uint8Array; closed: boolean }>();
  private count = 0;

  sink(batch: number): OutputSink & { close(): void } {
    const name = `${batch}-${++this.count}.out`;
    const file = { bytes: new Uint8Array(0), closed: false };
    this.files.set(name, file);
    return {
      write: async (bytes) => {
        if (file.closed) throw new Error('written after close');
        const ref: OutputRef = {
          kind: 'stored',
          file: name,
          offset: file.bytes.length,
          size: bytes.length,
        };
        const grown = new Uint8Array(file.bytes.length + bytes.length);
        grown.set(file.bytes);
        grown.set(bytes, file.bytes.length);
        file.bytes = grown;
        return ref;
      },
      close: () => void (file.closed = true),
    };
  }

  readonly area: WorkArea = {
    dir: 'tab',
    blob: async (ref) => {
      const file = this.files.get(ref.file);
      if (!file?.closed) throw new Error(`${ref.file} is still open`);
      return new Blob([new Uint8Array(file.bytes.slice(ref.offset, ref.offset + ref.size))]);
    },
    removeBatch: async (batch) => {
      for (const name of [...this.files.keys()]) {
        if (name.startsWith(`${batch}-`)) this.files.delete(name);
      }
    },
  };
}

/**
 * A worker that does what deid.worker.ts does (the real processJob and inspectJob, work files when
 * given some), with the reply passed through structuredClone and its transfer list, as
 * postMessage would; or one that hangs, or never starts.
 */
class FakeWorker implements WorkerLike {
  onmessage: ((event: MessageEvent<FromWorker>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  readonly posted: { message: ToWorker; transfer: Transferable[] }[] = [];
  terminated = false;
  private setup: { batch: number; setup: BatchSetup; workDir: string | null } | undefined;
  private readonly sinks = new Map<number, OutputSink & { close(): void }>();

  constructor(
    private readonly behaviour: Behaviour,
    private readonly workFiles?: MemoryWorkFiles,
  ) {}

  postMessage(message: ToWorker, transfer: Transferable[]): void {
    this.posted.push({ message, transfer });
    if (this.behaviour === 'fail-start') {
      setTimeout(() => this.onerror?.({ preventDefault() {} } as ErrorEvent), 1);
      return;
    }
    if (message.type === 'setup') {
      this.setup = { batch: message.batch, setup: message.setup, workDir: message.workDir };
      return;
    }
    if (message.type === 'finish') {
      this.sinks.get(message.batch)?.close();
      this.sinks.delete(message.batch);
      this.answer({ type: 'finished', batch: message.batch });
      return;
    }
    if (this.behaviour === 'hang') return;
    const current = this.setup!;
    expect(current.batch).toBe(message.batch);
    let sink = this.sinks.get(message.batch);
    if (!sink && this.workFiles && current.workDir !== null) {
      sink = this.workFiles.sink(message.batch);
      this.sinks.set(message.batch, sink);
    }
    const outcome: Promise<JobOutcome | InspectOutcome> =
      message.mode === 'inspect'
        ? inspectJob(current.setup, message.fileName, message.source)
        : processJob(current.setup, message.fileName, message.source, sink ? { sink } : {});
    void outcome.then((outcome) => this.answer({ type: 'done', job: message.job, outcome }));
  }

  private answer(reply: FromWorker): void {
    if (this.terminated) return;
    const received = structuredClone(reply);
    this.onmessage?.({ data: received } as MessageEvent<FromWorker>);
  }

  terminate(): void {
    this.terminated = true;
  }

  runs(): number {
    return this.posted.filter((p) => p.message.type === 'run').length;
  }
}

function fakeFactory(
  behaviours: (index: number) => Behaviour = () => 'work',
  workFiles?: MemoryWorkFiles,
) {
  const workers: FakeWorker[] = [];
  const create = () => {
    const worker = new FakeWorker(behaviours(workers.length), workFiles);
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
      expect(success.output.kind).toBe('blob');
      const bytes = new Uint8Array(await (await pool.output(success.output)).arrayBuffer());
      expect(bytes.length).toBe(success.outputBytes);
      expect(success.outputSha256).toBe(await sha256Hex(bytes));
      expect(success.outputCrc32).toBe(zlibCrc32(bytes));
      // The output arrived whole and is a DICOM file with the new UID.
      const parsed = parseFile(bytes, 'out.dcm');
      const sop = parsed.dataset.elements.find((e) => e.tag === 0x00080018)!;
      expect(
        new TextDecoder()
          .decode(bytes.subarray(sop.valueOffset, sop.valueOffset + sop.length))
          .replace(/\0$/, ''),
      ).toBe(success.identity.sopInstanceUid);
      // The review's digest, not the changes: the SOP Instance UID remapped.
      const remap = parseOutcomes(success.review.outcomes).find((o) => o.path === '(0008,0018)');
      expect(remap?.kind).toBe('uid-remapped');
    }
    pool.dispose();
    expect(workers.every((w) => w.terminated)).toBe(true);
  });

  it('keeps outputs in work files, readable once the batch is finished, and deletes them on release', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const workFiles = new MemoryWorkFiles();
    const { workers, create } = fakeFactory(() => 'work', workFiles);
    const pool = createDeidPool({
      size: 2,
      createWorker: create,
      workArea: workFiles.area,
      releaseMs: 1000,
    });
    const batch = setup();
    const outcomes = (
      await Promise.all(images.map((f) => pool.run(batch, f.file, source(readFixture(f.file)))))
    ).map(okOutcome);
    expect(workers.every((w) => w.posted[0]!.message.type === 'setup')).toBe(true);
    expect(outcomes.every((o) => o.output.kind === 'stored')).toBe(true);
    // One work file per worker, each still open: the outputs cannot be read yet.
    expect(workFiles.files.size).toBe(2);
    await expect(pool.output(outcomes[0]!.output)).rejects.toThrow(/still open/);
    await pool.finish(batch);
    expect(workers.map((w) => w.posted.filter((p) => p.message.type === 'finish').length)).toEqual([
      1, 1,
    ]);
    for (const outcome of outcomes) {
      const bytes = new Uint8Array(await (await pool.output(outcome.output)).arrayBuffer());
      expect(bytes.length).toBe(outcome.outputBytes);
      expect(await sha256Hex(bytes)).toBe(outcome.outputSha256);
      expect(zlibCrc32(bytes)).toBe(outcome.outputCrc32);
    }
    pool.release(batch);
    expect(workFiles.files.size).toBe(2);
    await vi.advanceTimersByTimeAsync(1000);
    expect(workFiles.files.size).toBe(0);
    pool.dispose();
  });

  it('inspects a file ahead of the queued batch, with every change and the same output', async () => {
    const { create } = fakeFactory();
    const pool = createDeidPool({ size: 1, jobsPerWorker: 1, createWorker: create });
    const batch = setup();
    const order: string[] = [];
    const runs = images.map((f) =>
      pool.run(batch, f.file, source(readFixture(f.file))).then((o) => {
        order.push(f.file);
        return okOutcome(o);
      }),
    );
    const target = images[images.length - 1]!.file;
    const inspected = pool.inspect(batch, target, source(readFixture(target))).then((o) => {
      order.push('inspect');
      return o;
    });
    const [outcomes, inspection] = await Promise.all([Promise.all(runs), inspected]);
    // Only the job already on the worker went before it.
    expect(order.indexOf('inspect')).toBe(1);
    if (!inspection.ok) throw new Error(inspection.error.code);
    const last = outcomes[outcomes.length - 1]!;
    expect(inspection.outputSha256).toBe(last.outputSha256);
    expect(await sha256Hex(new Uint8Array(await inspection.output.arrayBuffer()))).toBe(
      last.outputSha256,
    );
    const name = inspection.changes.find((c) => c.path === '(0010,0010)')!;
    expect(name.kind).toBe('replaced');
    expect(name.before).toBeTruthy();
    expect(name.after).toBe(last.identity.patientPseudonym);
    expect(name.rule).toMatch(/pseudonym/);
    pool.dispose();
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

  it('holds files back while the bytes in flight would pass the budget, but always runs one', async () => {
    const { workers, create } = fakeFactory(() => 'hang');
    const pool = createDeidPool({ size: 2, createWorker: create, maxBytesInFlight: 1000 });
    const bytes = readFixture('MR_small.dcm');
    const sent = () => workers.reduce((n, w) => n + w.runs(), 0);
    const controller = new AbortController();
    const run = (size: number) =>
      pool.run(setup(), 'x.dcm', source(bytes), controller.signal, size);
    // A file over the budget alone still runs; the next waits for it.
    const big = [run(1500), run(10)];
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(sent()).toBe(1);
    controller.abort();
    await Promise.all(big);
    const again = new AbortController();
    const small = [400, 400, 400].map((size) =>
      pool.run(setup(), 'x.dcm', source(bytes), again.signal, size),
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
    // Two fit in 1000 bytes, the third does not.
    expect(sent()).toBe(3);
    again.abort();
    await Promise.all(small);
    pool.dispose();
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
    const run = (job: number, mode: 'batch' | 'inspect'): ToWorker => ({
      type: 'run',
      job,
      batch: 7,
      mode,
      fileName: 'a.dcm',
      source: source(readFixture('MR_small.dcm')),
    });
    send(run(1, 'batch'));
    // No work folder: outputs are Blobs (the page fallback's way; OPFS is covered in workFile.test.ts).
    send({ type: 'setup', batch: 7, setup: setup(), workDir: null });
    send(run(2, 'batch'));
    await vi.waitFor(() => expect(posted.length).toBe(2));
    send(run(3, 'inspect'));
    send({ type: 'finish', batch: 7 });
    await vi.waitFor(() => expect(posted.length).toBe(4));
    const [refused, done, finished, inspected] = posted.map((p) => {
      expect(p.transfer).toEqual([]);
      return p.message;
    });
    if (refused?.type !== 'done' || done?.type !== 'done' || inspected?.type !== 'done') {
      throw new Error('unexpected replies');
    }
    expect(refused.outcome.ok).toBe(false);
    const outcome = okOutcome(done.outcome as JobOutcome);
    expect(done.job).toBe(2);
    if (outcome.output.kind !== 'blob') throw new Error('expected a Blob output');
    expect(outcome.output.blob.size).toBe(outcome.outputBytes);
    // A digest of text; the file itself crosses only as a Blob handle.
    expect(payloadBytes(done)).toBe(0);
    expect(finished).toEqual({ type: 'finished', batch: 7 });
    const inspection = inspected.outcome as InspectOutcome;
    expect(inspected.job).toBe(3);
    if (!inspection.ok) throw new Error(inspection.error.code);
    expect(inspection.outputSha256).toBe(outcome.outputSha256);
    expect(inspection.changes.length).toBeGreaterThan(10);
    vi.unstubAllGlobals();
  });
});
