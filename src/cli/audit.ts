import { readFile } from 'node:fs/promises';
import {
  AuditExportFormatError,
  describeVerdict,
  parseAuditExport,
  verifyAuditExport,
} from '../core/audit';
import { SetupError } from './errors';
import { describeFsError } from './keyFile';
import type { LineSink } from './progress';

// `core/audit` is imported as a folder: the lint rule that keeps the CLI off the browser's
// `src/audit` matches any `audit/` path segment, and the folder's index is core's public API.

/**
 * `veil audit verify FILE`: checks an audit export (a whole log, or the `audit.json` segment an
 * export zip carries) on its own. 0: the chain verifies; 1: it does not, and the first bad entry
 * is named; 2 (a SetupError): the file cannot be read or is not an audit export.
 */
export async function runAuditVerify(
  file: string,
  io: { readonly stdout: LineSink; readonly stderr: LineSink },
): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new SetupError(`cannot read ${file}: ${describeFsError(error)}`);
  }
  let data: ReturnType<typeof parseAuditExport>;
  try {
    data = parseAuditExport(text);
  } catch (error) {
    if (error instanceof AuditExportFormatError) {
      throw new SetupError(`${file} is not a Veil audit export: ${error.message}`);
    }
    throw error;
  }
  const verdict = verifyAuditExport(data);
  const count = data.entries.length;
  if (!verdict.ok) {
    io.stdout.write(
      `veil: ${file}: NOT verified: ${describeVerdict(verdict)}\n` +
        `veil: ${count} ${count === 1 ? 'entry' : 'entries'}, log ${data.logId}\n`,
    );
    return 1;
  }
  // Verified entries passed the shape guard: seq and time are there and well formed.
  const entries = data.entries as readonly { seq: number; time: string }[];
  const first = entries[0];
  const last = entries[count - 1];
  const span =
    first && last
      ? `${count} ${count === 1 ? 'entry' : 'entries'} (${first.seq} to ${last.seq}), ${first.time} to ${last.time}`
      : 'no entries';
  io.stdout.write(`veil: ${file}: verified: ${span}, log ${data.logId}\n`);
  return 0;
}
