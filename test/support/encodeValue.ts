/** Value encoders for the test builders: strings with their VR's padding, numbers in a byte order. */

export type NumericVR = 'US' | 'SS' | 'UL' | 'SL' | 'FL' | 'FD' | 'SV' | 'UV';

/** VRs whose explicit-VR header has 2 reserved bytes and a 32-bit length (PS3.5 Table 7.1-1). */
export const LONG_LENGTH_VRS: ReadonlySet<string> = new Set([
  'OB',
  'OD',
  'OF',
  'OL',
  'OV',
  'OW',
  'SQ',
  'SV',
  'UC',
  'UN',
  'UR',
  'UT',
  'UV',
]);

const NUMBER_WIDTH: Readonly<Record<NumericVR, number>> = {
  US: 2,
  SS: 2,
  UL: 4,
  SL: 4,
  FL: 4,
  FD: 8,
  SV: 8,
  UV: 8,
};

/**
 * Text to bytes, padded to even length: UI pads with NUL, every other string VR with a space
 * (PS3.5 6.2). Latin-1 unless `utf8`, so a code point above 0xFF without `utf8` is a test bug.
 */
export function encodeString(vr: string, text: string, utf8 = false): Uint8Array {
  let bytes: Uint8Array;
  if (utf8) {
    bytes = new TextEncoder().encode(text);
  } else {
    bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code > 0xff) throw new Error(`encodeString: code point ${code} needs utf8: true`);
      bytes[i] = code;
    }
  }
  return padEven(bytes, vr === 'UI' ? 0x00 : 0x20);
}

export function padEven(bytes: Uint8Array, pad: number): Uint8Array {
  if (bytes.length % 2 === 0) return bytes;
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  out[bytes.length] = pad;
  return out;
}

export function encodeNumbers(
  vr: NumericVR,
  values: readonly (number | bigint)[],
  littleEndian: boolean,
): Uint8Array {
  const width = NUMBER_WIDTH[vr];
  const out = new Uint8Array(values.length * width);
  const view = new DataView(out.buffer);
  values.forEach((value, i) => {
    const at = i * width;
    switch (vr) {
      case 'US':
        return view.setUint16(at, Number(value), littleEndian);
      case 'SS':
        return view.setInt16(at, Number(value), littleEndian);
      case 'UL':
        return view.setUint32(at, Number(value), littleEndian);
      case 'SL':
        return view.setInt32(at, Number(value), littleEndian);
      case 'FL':
        return view.setFloat32(at, Number(value), littleEndian);
      case 'FD':
        return view.setFloat64(at, Number(value), littleEndian);
      case 'SV':
        return view.setBigInt64(at, BigInt(value), littleEndian);
      case 'UV':
        return view.setBigUint64(at, BigInt(value), littleEndian);
    }
  });
  return out;
}

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export type BinaryData =
  Uint8Array | Uint16Array | Int16Array | Uint32Array | Float32Array | Float64Array;

/**
 * Bytes are written as given; wider typed arrays are written word by word in the target byte order,
 * which is how OW/OL/OF/OD values swap in big endian.
 */
export function encodeBinary(data: BinaryData, littleEndian: boolean): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (littleEndian === HOST_IS_LITTLE_ENDIAN) {
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
  const width = data.BYTES_PER_ELEMENT;
  const out = new Uint8Array(data.length * width);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) {
    const value = data[i]!;
    const at = i * width;
    if (data instanceof Uint16Array) view.setUint16(at, value, littleEndian);
    else if (data instanceof Int16Array) view.setInt16(at, value, littleEndian);
    else if (data instanceof Uint32Array) view.setUint32(at, value, littleEndian);
    else if (data instanceof Float32Array) view.setFloat32(at, value, littleEndian);
    else view.setFloat64(at, value, littleEndian);
  }
  return out;
}
