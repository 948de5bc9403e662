/** A mistake in how the command was called: exit code 2 and a hint to read --help. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * The run cannot start (unreadable key, bad profile, unsafe paths…): exit code 2, nothing written.
 * Messages name files and problems, never values from DICOM files.
 */
export class SetupError extends Error {
  override readonly name = 'SetupError';
}
