import type { CodecReply, CodecRequest, DecodedFrame, ImageFrameInfo } from './codecProtocol';

/**
 * The main-thread side of codecs.worker.ts: one worker, started on first use, requests matched to
 * replies by id. One worker is enough for a preview (one frame at a time is on screen).
 */
let worker: Worker | undefined;
let nextId = 0;
const pending = new Map<
  number,
  { resolve: (frame: DecodedFrame) => void; reject: (error: Error) => void }
>();

function start(): Worker {
  // Vite bundles the worker and its wasm assets from this exact `new URL(…, import.meta.url)` form.
  const created = new Worker(new URL('./codecs.worker.ts', import.meta.url), {
    type: 'module',
    name: 'veil-preview-codecs',
  });
  created.addEventListener('message', (event: MessageEvent<CodecReply>) => {
    const reply = event.data;
    const waiting = pending.get(reply.id);
    if (!waiting) return;
    pending.delete(reply.id);
    if (reply.ok) waiting.resolve(reply.frame);
    else waiting.reject(new Error(reply.message));
  });
  created.addEventListener('error', (event) => {
    // A worker that fails to load fails every request; the next one starts afresh.
    const error = new Error(
      `the image codec worker failed (${event.message || 'no reason given'})`,
    );
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
    worker = undefined;
  });
  return created;
}

export function decodeInWorker(
  transferSyntax: string,
  imageFrame: ImageFrameInfo,
  compressed: Uint8Array,
): Promise<DecodedFrame> {
  worker ??= start();
  const id = nextId++;
  // A copy of just this frame: the loader's view may span the whole file's buffer.
  const pixelData = compressed.slice().buffer;
  const request: CodecRequest = { id, transferSyntax, imageFrame, pixelData };
  const target = worker;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    target.postMessage(request, [pixelData]);
  });
}
