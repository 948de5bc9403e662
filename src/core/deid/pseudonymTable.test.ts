import { describe, expect, it } from 'vitest';
import { VeilError } from '../errors';
import { parsePseudonymCsv } from './pseudonymTable';

const HEADER = 'original_patient_id,pseudonym_id,pseudonym_name';

function problemsOf(text: string): string[] {
  try {
    parsePseudonymCsv(text);
  } catch (error) {
    expect(error).toBeInstanceOf(VeilError);
    expect((error as VeilError).code).toBe('BAD_PSEUDONYM_TABLE');
    return (error as VeilError).message
      .split('\n')
      .slice(1)
      .map((line) => line.replace(/^ {2}- /, ''));
  }
  throw new Error('parsePseudonymCsv accepted the table');
}

describe('parsePseudonymCsv', () => {
  it('reads LF and CRLF tables with a BOM and a trailing newline', () => {
    for (const eol of ['\n', '\r\n']) {
      const table = parsePseudonymCsv(
        `\uFEFF${HEADER}${eol}12345,P001,SUBJ^ONE${eol}67890,P002,SUBJ^TWO${eol}`,
      );
      expect([...table.entries()]).toEqual([
        ['12345', { id: 'P001', name: 'SUBJ^ONE' }],
        ['67890', { id: 'P002', name: 'SUBJ^TWO' }],
      ]);
    }
  });

  it('handles RFC 4180 quoting: commas and doubled quotes, and trims cells as DICOM does', () => {
    const table = parsePseudonymCsv(
      `${HEADER}\n"ID, with comma",P1,"SUBJ^""Q"""\n  ID2  ,P2,SUBJ^TWO\n\n`,
    );
    expect(table.get('ID, with comma')).toEqual({ id: 'P1', name: 'SUBJ^"Q"' });
    expect(table.get('ID2')).toEqual({ id: 'P2', name: 'SUBJ^TWO' });
    expect(table.size).toBe(2);
  });

  it('accepts the header in any case and without a final newline', () => {
    const table = parsePseudonymCsv('Original_Patient_ID,PSEUDONYM_ID,pseudonym_name\r\nA,B,C');
    expect(table.get('A')).toEqual({ id: 'B', name: 'C' });
  });

  it('rejects a missing or wrong header without echoing line 1', () => {
    expect(problemsOf('')).toEqual([expect.stringMatching(/^line 1: the header must be/)]);
    const problems = problemsOf('DOE123,P1,DOE^JOHN\n');
    expect(problems).toEqual([expect.stringMatching(/^line 1: the header must be exactly/)]);
    expect(problems.join()).not.toMatch(/DOE/);
    expect(problemsOf(`${HEADER},extra\nA,B,C,D\n`)).toHaveLength(1);
  });

  it('rejects duplicates, empty cells and wrong column counts with line and column only', () => {
    const text = [
      HEADER,
      'SECRET1,P1,NAME^ONE', // line 2
      'SECRET2,,NAME^TWO', // line 3: empty
      'SECRET1,P3,NAME^THREE', // line 4: duplicate original of line 2
      'SECRET4,P1,NAME^FOUR', // line 5: pseudonym of line 2 reused
      'SECRET5,P5', // line 6: two columns
      '"SECRET\\6",P6^X,NAME', // line 7: backslash, caret in an ID
      `SECRET7,P7,${'N'.repeat(65)}`, // line 8: too long
      '   ,P8,NAME', // line 9: blank after trimming
    ].join('\n');
    const problems = problemsOf(text);
    expect(problems).toEqual([
      'line 3, column 2 (pseudonym_id): empty cell',
      'line 4: the original patient ID of line 2 appears again',
      'line 5: the pseudonym ID of line 2 is used again',
      'line 6: expected 3 columns, found 2',
      'line 7, column 1 (original_patient_id): contains a backslash (the DICOM value separator)',
      'line 7, column 2 (pseudonym_id): contains "^" (only names have components)',
      'line 8, column 3 (pseudonym_name): longer than 64 characters',
      'line 9, column 1 (original_patient_id): empty cell',
    ]);
    expect(problems.join()).not.toMatch(/SECRET|NAME\^/);
  });

  it('counts lines inside quoted fields, so later line numbers stay right', () => {
    const problems = problemsOf(`${HEADER}\n"A\nB",P1,N\nC,,N\n`);
    expect(problems).toEqual([
      'line 2, column 1 (original_patient_id): contains a control character or line break',
      'line 4, column 2 (pseudonym_id): empty cell',
    ]);
  });

  it('rejects broken quoting', () => {
    expect(problemsOf(`${HEADER}\nA,"P1,N\n`)).toEqual(['line 2: a quoted field is never closed']);
    expect(problemsOf(`${HEADER}\nA,"P1"x,N\n`)).toEqual(['line 2: text after a closing quote']);
    expect(problemsOf(`${HEADER}\nA,P"1,N\n`)).toEqual([
      'line 2: a quote inside an unquoted field (quote the whole field)',
    ]);
  });

  it('rejects a table with no patients', () => {
    expect(problemsOf(`${HEADER}\n\n`)).toEqual(['the table has a header but no patients']);
  });

  it('stops listing after 20 problems', () => {
    const rows = Array.from({ length: 50 }, (_, i) => `X${i},,N`);
    const error = (() => {
      try {
        parsePseudonymCsv([HEADER, ...rows].join('\n'));
      } catch (e) {
        return e as VeilError;
      }
      throw new Error('accepted');
    })();
    expect(error.message.match(/empty cell/g)).toHaveLength(20);
    expect(error.message).toMatch(/stopped after 20 problems/);
  });
});
