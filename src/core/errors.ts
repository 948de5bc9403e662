/**
 * Every failure Veil reports carries a stable `code` (match on it, never on `instanceof`: classes do
 * not survive a trip through postMessage), the file it concerns and, where it applies, the byte offset.
 * Messages name the problem and what to do; they never quote a value from the file (it may be PHI).
 */
export type VeilErrorCode =
  | 'NOT_DICOM'
  | 'DICOMDIR'
  | 'TRUNCATED'
  | 'BAD_LENGTH'
  | 'BAD_STRUCTURE'
  | 'UNSUPPORTED_TRANSFER_SYNTAX'
  | 'UNSUPPORTED'
  | 'TOO_DEEP'
  | 'INFLATE_FAILED'
  | 'ENCODE_FAILED'
  | 'POST_CHECK_FAILED'
  | 'BAD_PROFILE'
  | 'BAD_RULE'
  | 'BAD_KEY'
  | 'BAD_PSEUDONYM_TABLE'
  | 'ABORTED'
  | 'INTERNAL';

export interface VeilErrorData {
  readonly name: 'VeilError';
  readonly code: VeilErrorCode;
  readonly message: string;
  readonly fileName?: string;
  readonly offset?: number;
}

export class VeilError extends Error {
  override readonly name = 'VeilError';
  readonly code: VeilErrorCode;
  readonly fileName?: string;
  readonly offset?: number;

  constructor(
    code: VeilErrorCode,
    message: string,
    where: { fileName?: string; offset?: number } = {},
  ) {
    super(message);
    this.code = code;
    if (where.fileName !== undefined) this.fileName = where.fileName;
    if (where.offset !== undefined) this.offset = where.offset;
  }

  /** A plain object that survives structured clone and JSON. */
  toData(): VeilErrorData {
    return {
      name: 'VeilError',
      code: this.code,
      message: this.message,
      ...(this.fileName !== undefined ? { fileName: this.fileName } : {}),
      ...(this.offset !== undefined ? { offset: this.offset } : {}),
    };
  }

  /** Human-readable one-liner: `file.dcm: at byte 1234: message [CODE]`. */
  describe(): string {
    const where = [this.fileName, this.offset !== undefined ? `at byte ${this.offset}` : undefined]
      .filter(Boolean)
      .join(': ');
    return `${where ? `${where}: ` : ''}${this.message} [${this.code}]`;
  }
}

export function isVeilErrorData(value: unknown): value is VeilErrorData {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { name?: unknown }).name === 'VeilError' &&
    typeof (value as { code?: unknown }).code === 'string'
  );
}

/** Wraps anything thrown into a VeilError for `fileName` (unknown errors become INTERNAL). */
export function toVeilError(error: unknown, fileName?: string): VeilError {
  if (error instanceof VeilError) {
    if (error.fileName !== undefined || fileName === undefined) return error;
    return new VeilError(error.code, error.message, { fileName, offset: error.offset });
  }
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    return new VeilError('TOO_DEEP', 'sequences are nested too deeply to process safely', {
      fileName,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new VeilError('INTERNAL', `unexpected failure: ${message}`, { fileName });
}
