import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/**
 * Reads files into one buffer, grown to the largest file and reused. A fresh allocation per file
 * (readFileSync) costs more in page faults than de-identifying a 512 KB CT slice; deidentify keeps
 * no view of its input, so the next read may overwrite it.
 */
export class ReusableReader {
  private buffer: Buffer = Buffer.alloc(0);

  read(path: string): Uint8Array {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size > this.buffer.length) this.buffer = Buffer.allocUnsafe(size);
      let at = 0;
      while (at < size) {
        const got = readSync(fd, this.buffer, at, size - at, at);
        if (got === 0) break; // the file shrank while being read: hand on what is there
        at += got;
      }
      return this.buffer.subarray(0, at);
    } finally {
      closeSync(fd);
    }
  }
}
