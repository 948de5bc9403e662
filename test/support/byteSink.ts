/** Collects byte chunks and numbers in a chosen byte order; `bytes()` joins them once at the end. */
export class ByteSink {
  private readonly chunks: Uint8Array[] = [];
  private size = 0;

  get length(): number {
    return this.size;
  }

  bytes(data: Uint8Array): this {
    this.chunks.push(data);
    this.size += data.length;
    return this;
  }

  ascii(text: string): this {
    return this.bytes(Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff));
  }

  u16(value: number, littleEndian: boolean): this {
    const b = new Uint8Array(2);
    new DataView(b.buffer).setUint16(0, value & 0xffff, littleEndian);
    return this.bytes(b);
  }

  u32(value: number, littleEndian: boolean): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, value >>> 0, littleEndian);
    return this.bytes(b);
  }

  toUint8Array(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }
}
