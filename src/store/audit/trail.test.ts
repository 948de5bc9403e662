import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  parseAuditExport,
  sampleEvents,
  verifyAuditExport,
  type AuditEvent,
} from '../../core/audit';
import {
  createArchiveHasher,
  type FromHashWorker,
  type HashWorkerLike,
  type ToHashWorker,
} from './archiveHash';
import { readSource } from '../../worker/source';
import { FileHasher, webCryptoSha256 } from './fileHashes';
import { memoryTrail } from './memoryTrail';
import { AuditRecorder } from './recorder';

const trail = (operator: string | null = 'Ada') =>
  memoryTrail({
    appVersion: '0.1.0',
    now: () => Date.UTC(2025, 0, 1),
    random: (n) => crypto.getRandomValues(new Uint8Array(n)),
    operator: () => operator,
  });

const sample = sampleEvents('a'.repeat(32));
const deferred = <T>() => {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
};

describe('AuditRecorder', () => {
  it('keeps the order events were recorded in, even when the first waits on work', async () => {
    const t = trail();
    const writes: number[] = [];
    const append = t.append.bind(t);
    const counted = {
      ...t,
      append: (events: readonly AuditEvent[]) => {
        writes.push(events.length);
        return append(events);
      },
    };
    const recorder = new AuditRecorder(
      () => counted,
      (error) => {
        throw error;
      },
    );
    const hashes = deferred<AuditEvent | null>();
    recorder.record(hashes.promise);
    recorder.record(sample['file-deidentified']);
    recorder.record(sample['file-failed']);
    recorder.record(Promise.resolve(null));
    recorder.record(sample.exported);
    await new Promise((r) => setTimeout(r, 10));
    expect(writes).toEqual([]);
    hashes.resolve(sample['files-imported']);
    await recorder.flush();
    const page = await t.query({ order: 'asc' });
    expect(page.entries.map((e) => e.event.type)).toEqual([
      'files-imported',
      'file-deidentified',
      'file-failed',
      'exported',
    ]);
    // What was ready together went in one write.
    expect(writes).toEqual([4]);
    expect((await t.verify()).ok).toBe(true);
  });

  it('a refused event is reported and costs only itself', async () => {
    const t = trail();
    const errors: unknown[] = [];
    const recorder = new AuditRecorder(
      () => t,
      (error) => errors.push(error),
    );
    recorder.record(sample['key-generated']);
    recorder.record({
      ...sample['file-failed'],
      errorCode: 'Patient DOE^JOHN',
    } as unknown as AuditEvent);
    recorder.record(sample['key-exported']);
    recorder.record(Promise.reject(new Error('hashing failed')));
    await recorder.flush();
    expect(errors).toHaveLength(2);
    expect(String(errors[0])).not.toContain('DOE');
    const page = await t.query({ order: 'asc' });
    expect(page.entries.map((e) => e.event.type)).toEqual(['key-generated', 'key-exported']);
  });
});

describe('memoryTrail', () => {
  it('chains like the stored log: segments and exports verify, edits are named', async () => {
    const t = trail(null);
    const other = sampleEvents('b'.repeat(32));
    await t.append([sample['key-generated'], sample['files-imported']]);
    await t.append([other['files-imported'], sample['file-deidentified'], sample.exported]);
    await t.append([other.exported]);
    expect((await t.query({ order: 'asc', limit: 1 })).entries[0]!.operator).toBe(
      'Operator not set',
    );

    const segment = await t.segmentForBatch('a'.repeat(32));
    expect(segment.entries.map((e) => e.seq)).toEqual([2, 3, 4, 5]);
    expect(verifyAuditExport(segment)).toEqual({ ok: true });
    await expect(t.segmentForBatch('c'.repeat(32))).rejects.toThrow(/no entry/);

    const whole = parseAuditExport(await t.exportJson());
    expect(whole.entries).toHaveLength(6);
    expect(verifyAuditExport(whole)).toEqual({ ok: true });
    const csv = await t.exportCsv();
    expect(csv.split('\r\n')).toHaveLength(1 + 7 + 1);
    expect((await t.query({ types: ['audit-exported'] })).total).toBe(2);
    expect(await t.operators()).toEqual(['Operator not set']);

    const tampered = {
      ...whole,
      entries: whole.entries.map((e, i) => (i === 2 ? { ...(e as object), operator: 'Eve' } : e)),
    };
    expect(verifyAuditExport(tampered)).toMatchObject({
      ok: false,
      firstBad: 3,
      reason: 'altered',
    });
  });

  it('pages and filters newest first', async () => {
    const t = trail();
    for (let i = 0; i < 250; i++) await t.append([sample['key-exported']]);
    const page = await t.query({ offset: 100, limit: 100 });
    expect(page.total).toBe(250);
    expect(page.entries.map((e) => e.seq)).toEqual(Array.from({ length: 100 }, (_, i) => 150 - i));
    expect((await t.query({ operator: 'Bob' })).total).toBe(0);
    expect((await t.query({ from: Date.UTC(2025, 0, 2) })).total).toBe(0);
  });
});

describe('archive hashing', () => {
  const bytes = new Uint8Array(3 * 1024 * 1024 + 17).map((_, i) => (i * 31) & 0xff);
  const chunks = (size: number) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < bytes.length; at += size)
          controller.enqueue(bytes.slice(at, at + size));
        controller.close();
      },
    });
  const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
  const expected = sha256(bytes);

  it('on this thread: the same bytes pass through, and the digest is their SHA-256', async () => {
    const { stream, digest } = createArchiveHasher().tap(chunks(2 * 1024 * 1024 + 3));
    const out = new Uint8Array(await new Response(stream).arrayBuffer());
    // Compared by hash: an element-wise comparison of 3 MB costs seconds.
    expect(sha256(out)).toBe(expected);
    expect(await digest()).toBe(expected);
  });

  it('in a worker: chunks are handed over, and the page waits while too many are in flight', async () => {
    const LIMIT = 256 * 1024;
    const CHUNK = 64 * 1024;
    const hash = createHash('sha256');
    let unacked = 0;
    let most = 0;
    let ended = false;
    const fake: HashWorkerLike = {
      onmessage: null,
      onerror: null,
      postMessage(message: ToHashWorker) {
        if (message.type === 'chunk') {
          unacked += message.bytes.length;
          most = Math.max(most, unacked);
        } else ended = true;
        // The worker answers later, as a real one does.
        setTimeout(() => {
          let reply: FromHashWorker;
          if (message.type === 'chunk') {
            hash.update(message.bytes);
            unacked -= message.bytes.length;
            reply = { type: 'ack', bytes: message.bytes.length };
          } else reply = { type: 'digest', hex: hash.digest('hex') };
          this.onmessage?.({ data: reply } as MessageEvent<FromHashWorker>);
        }, 1);
      },
      terminate() {},
    };
    const { stream, digest } = createArchiveHasher(() => fake, LIMIT).tap(chunks(CHUNK));
    const out = new Uint8Array(await new Response(stream).arrayBuffer());
    expect(sha256(out)).toBe(expected);
    expect(await digest()).toBe(expected);
    expect(ended).toBe(true);
    // Never more than the limit and one chunk waiting in the worker.
    expect(most).toBeGreaterThan(LIMIT);
    expect(most).toBeLessThanOrEqual(LIMIT + CHUNK);
  });
});

describe('FileHasher', () => {
  it('hashes each file once, reads none it was told the hash of, and gives null when unreadable', async () => {
    const reads: number[] = [];
    const hasher = new FileHasher(async (source) => {
      const bytes = await readSource(source);
      reads.push(bytes.length);
      return webCryptoSha256(bytes);
    });
    const blob = (text: string) => ({ kind: 'blob' as const, blob: new Blob([text]) });
    const a = hasher.hash(1, blob('one'));
    expect(hasher.hash(1, blob('ignored'))).toBe(a);
    hasher.offer(2, 'f'.repeat(64));
    expect(await hasher.hash(2, blob('two'))).toBe('f'.repeat(64));
    expect(await a).toBe(createHash('sha256').update('one').digest('hex'));
    const broken = {
      kind: 'zip-entry' as const,
      zip: new Blob(['not a zip']),
      localHeaderOffset: 0,
      compressedSize: 3,
      size: 3,
      method: 0 as const,
    };
    expect(await hasher.hash(3, broken)).toBeNull();
    expect(reads).toEqual([3]);
  });
});

describe('createArchiveHasher().hashBlob', () => {
  it('hashes a Blob read from its own stream (the download path)', async () => {
    const bytes = Uint8Array.from({ length: 3 * 1024 * 1024 + 5 }, (_, i) => (i * 13) & 0xff);
    const expected = createHash('sha256').update(bytes).digest('hex');
    expect(await createArchiveHasher().hashBlob(new Blob([bytes]))).toBe(expected);
  });
});
