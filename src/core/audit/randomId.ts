import { VeilError } from '../errors';

/** 128 random bits as 32 hex digits (a log or batch id). `random16` comes from the caller's CSPRNG. */
export function newRandomId(random16: Uint8Array): string {
  // All zeros means the caller forgot to fill the buffer.
  if (random16.length !== 16 || random16.every((b) => b === 0)) {
    throw new VeilError('INTERNAL', 'a random id needs 16 bytes from a CSPRNG');
  }
  return Array.from(random16, (b) => b.toString(16).padStart(2, '0')).join('');
}
