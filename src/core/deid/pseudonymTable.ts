import { VeilError } from '../errors';

export interface PseudonymEntry {
  readonly id: string;
  readonly name: string;
}

/** Original Patient ID (trimmed) → the pseudonym to write. */
export type PseudonymTable = ReadonlyMap<string, PseudonymEntry>;

export const PSEUDONYM_COLUMNS = ['original_patient_id', 'pseudonym_id', 'pseudonym_name'] as const;

/** More than this and the rest of the list would only hide the first, usually systematic, cause. */
const MAX_PROBLEMS = 20;
/** LO and a PN component group both hold at most 64 characters. */
const MAX_LENGTH = 64;

interface Row {
  /** Physical line (1-based) where the record starts; quoted fields may span lines. */
  readonly line: number;
  readonly cells: string[];
}

/**
 * Reads the pseudonym table (RFC 4180: quoted fields, doubled quotes, CRLF or LF, optional BOM).
 * Cells are trimmed, as DICOM trims LO and PN values. Messages give line and column only: the
 * cells are PHI and never appear in an error.
 */
export function parsePseudonymCsv(text: string): PseudonymTable {
  const problems: string[] = [];
  const rows = splitRecords(text.replace(/^\uFEFF/, ''), problems);
  if (problems.length > 0) throw tableError(problems);

  const header = rows[0];
  if (
    header === undefined ||
    header.cells.length !== PSEUDONYM_COLUMNS.length ||
    header.cells.some((cell, i) => cell.trim().toLowerCase() !== PSEUDONYM_COLUMNS[i])
  ) {
    // The header holds no PHI, but a file without it may have a patient row in line 1: do not echo.
    throw tableError([`line 1: the header must be exactly ${PSEUDONYM_COLUMNS.join(',')}`]);
  }

  const table = new Map<string, PseudonymEntry>();
  const originalLine = new Map<string, number>();
  const pseudonymLine = new Map<string, number>();
  for (const { line, cells } of rows.slice(1)) {
    if (problems.length >= MAX_PROBLEMS) break;
    if (cells.length !== PSEUDONYM_COLUMNS.length) {
      problems.push(`line ${line}: expected 3 columns, found ${cells.length}`);
      continue;
    }
    const [original, id, name] = cells.map((c) => c.trim()) as [string, string, string];
    let bad = false;
    [original, id, name].forEach((cell, i) => {
      const where = `line ${line}, column ${i + 1} (${PSEUDONYM_COLUMNS[i]})`;
      const problem = cellProblem(cell, i === 2);
      if (problem) {
        problems.push(`${where}: ${problem}`);
        bad = true;
      }
    });
    if (bad) continue;
    const firstOriginal = originalLine.get(original);
    if (firstOriginal !== undefined) {
      problems.push(`line ${line}: the original patient ID of line ${firstOriginal} appears again`);
      continue;
    }
    // Two patients under one pseudonym would be merged into one in the shared data.
    const firstPseudonym = pseudonymLine.get(id);
    if (firstPseudonym !== undefined) {
      problems.push(`line ${line}: the pseudonym ID of line ${firstPseudonym} is used again`);
      continue;
    }
    originalLine.set(original, line);
    pseudonymLine.set(id, line);
    table.set(original, { id, name });
  }
  if (problems.length > 0) throw tableError(problems);
  if (table.size === 0) throw tableError(['the table has a header but no patients']);
  return table;
}

function cellProblem(cell: string, isName: boolean): string | undefined {
  if (cell === '') return 'empty cell';
  if (cell.length > MAX_LENGTH) return `longer than ${MAX_LENGTH} characters`;
  if (cell.includes('\\')) return 'contains a backslash (the DICOM value separator)';
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(cell)) return 'contains a control character or line break';
  if (!isName && cell.includes('^')) return 'contains "^" (only names have components)';
  return undefined;
}

function tableError(problems: readonly string[]): VeilError {
  const shown = problems.slice(0, MAX_PROBLEMS);
  const more =
    problems.length >= MAX_PROBLEMS ? `\n  (stopped after ${MAX_PROBLEMS} problems)` : '';
  return new VeilError(
    'BAD_PSEUDONYM_TABLE',
    `the pseudonym table is not usable:\n${shown.map((p) => `  - ${p}`).join('\n')}${more}`,
  );
}

/** RFC 4180 records; blank lines are skipped. Structural problems go to `problems`. */
function splitRecords(text: string, problems: string[]): Row[] {
  const rows: Row[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const startLine = line;
    const cells: string[] = [];
    let cell = '';
    let quotedCell = false;
    let endOfRecord = false;
    while (!endOfRecord) {
      const ch = text[i];
      if (ch === undefined) {
        endOfRecord = true;
      } else if (ch === '"' && cell === '' && !quotedCell) {
        // Quoted field: runs to the next lone quote; "" is a literal quote.
        quotedCell = true;
        i++;
        for (;;) {
          const q = text[i];
          if (q === undefined) {
            problems.push(`line ${startLine}: a quoted field is never closed`);
            return rows;
          }
          if (q === '"') {
            if (text[i + 1] === '"') {
              cell += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (q === '\n') line++;
          cell += q;
          i++;
        }
        const after = text[i];
        if (after !== undefined && after !== ',' && after !== '\n' && after !== '\r') {
          problems.push(`line ${line}: text after a closing quote`);
          return rows;
        }
      } else if (ch === ',') {
        cells.push(cell);
        cell = '';
        quotedCell = false;
        i++;
      } else if (ch === '\n' || (ch === '\r' && text[i + 1] === '\n')) {
        i += ch === '\r' ? 2 : 1;
        line++;
        endOfRecord = true;
      } else if (ch === '"') {
        problems.push(`line ${line}: a quote inside an unquoted field (quote the whole field)`);
        return rows;
      } else {
        cell += ch;
        i++;
      }
    }
    cells.push(cell);
    const blank = cells.length === 1 && cells[0] === '' && !quotedCell;
    if (!blank) rows.push({ line: startLine, cells });
  }
  return rows;
}
