import { closeSync, openSync, writeSync, writevSync } from 'node:fs';

/** Well under every platform's IOV_MAX (1024 on Linux). */
const BATCH = 512;
/** Parts at least this long are handed to the kernel as they are; smaller ones are gathered. */
const LARGE = 64 * 1024;

let scratch = new Uint8Array(64 * 1024);

/**
 * An output's parts with every run of small ones (headers, new values) copied side by side into
 * one shared buffer: a few large pieces instead of hundreds of tiny ones, which also spares Node
 * from giving each tiny array a buffer of its own when it reads it. The large parts (pixel data,
 * views of the input) are not copied. Valid until the next call.
 */
export function coalesceParts(parts: readonly Uint8Array[]): Uint8Array[] {
  let small = 0;
  for (const part of parts) if (part.length < LARGE) small += part.length;
  if (scratch.length < small) scratch = new Uint8Array(Math.max(small, scratch.length * 2));
  const out: Uint8Array[] = [];
  let start = 0;
  let at = 0;
  for (const part of parts) {
    if (part.length < LARGE) {
      scratch.set(part, at);
      at += part.length;
      continue;
    }
    if (at > start) out.push(scratch.subarray(start, at));
    start = at;
    out.push(part);
  }
  if (at > start) out.push(scratch.subarray(start, at));
  return out;
}

/**
 * Writes an output given as parts (see DeidSuccess.parts) to a new file with `writev`: the pixel
 * data goes from the input buffer to the file without being copied into an output array first.
 * `flag` as for fs.open ('wx': fail if the file exists).
 */
export function writePartsSync(path: string, parts: readonly Uint8Array[], flag = 'wx'): void {
  const fd = openSync(path, flag, 0o644);
  try {
    for (let at = 0; at < parts.length; at += BATCH) {
      const batch = parts.slice(at, at + BATCH);
      let expected = 0;
      for (const part of batch) expected += part.length;
      const written = writevSync(fd, batch);
      if (written < expected) writeRest(fd, batch, written);
    }
  } finally {
    closeSync(fd);
  }
}

/** A short writev (signals, odd file systems): the rest goes out part by part. */
function writeRest(fd: number, parts: readonly Uint8Array[], skip: number): void {
  let skipped = skip;
  for (const part of parts) {
    if (skipped >= part.length) {
      skipped -= part.length;
      continue;
    }
    let at = skipped;
    skipped = 0;
    while (at < part.length) at += writeSync(fd, part, at, part.length - at);
  }
}
