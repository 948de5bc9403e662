import { OPTION_NAMES, OPTIONS } from '../core/deid/options';
import { PRESETS } from '../core/deid/profile';
import { GENERATED_KEY_NAME } from './keyFile';

const wrap = (text: string, indent: number, width = 100): string => {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && indent + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
};

const column = (left: string, right: string): string => `  ${left.padEnd(36)}${wrap(right, 38)}`;

export function mainHelp(): string {
  return `veil: de-identify DICOM files (PS3.15 Basic Application Confidentiality Profile)

Usage:
  veil deidentify <in> <out> [options]   de-identify a file or a folder tree into <out>
  veil keygen FILE                       write a new project key file
  veil audit verify FILE                 check an audit log export (audit.json) on its own
  veil help deidentify                   every option of deidentify
  veil --version

Exit codes: 0 all files done or skipped (audit verify: the log verifies), 1 some files failed
(audit verify: it does not), 2 usage or setup error.
`;
}

export function auditHelp(): string {
  return `Usage: veil audit verify FILE

Checks an audit log exported by the Veil app: a whole log, or the audit.json that an export zip
carries (the entries of that batch). Every entry must hold only hashes, counts, codes and the
operator's name, and must link to the one before it (SHA-256 hash chain) back to the anchor the
file states. Prints the entry count, the first and last time and the log id.

Exit codes: 0 the chain verifies, 1 it does not (the first altered, removed, reordered or inserted
entry is named), 2 the file cannot be read or is not an audit export.

A file can only prove itself consistent: entries cut off its end, or a log rewritten from the
start, are caught only by comparing with an earlier export or with the log in the app.
`;
}

export function deidentifyHelp(): string {
  const options = OPTION_NAMES.map((name) =>
    column(OPTIONS[name].flag, `${OPTIONS[name].explanation} (${OPTIONS[name].standardName})`),
  );
  const presets = Object.entries(PRESETS).map(([id, preset]) =>
    column(id, `${preset.description}`),
  );
  return `Usage: veil deidentify <in> <out> [options]

<in> is a DICOM file or a folder (walked recursively, symbolic links are not followed). Each file is
written to the same relative path under <out>, which must be empty or absent and outside <in>; the
input is never modified. Files that are not DICOM are skipped; a file that cannot be fully
de-identified is failed and nothing is written for it.

PS3.15 options (added to the profile's):
${options.join('\n')}

Setup:
${column('--profile FILE.json', 'A Veil profile (options, date shift, pseudonyms, custom rules).')}
${column('--preset NAME', 'Start from a named option set instead of a profile file (see below).')}
${column('--key-file FILE', `The project key (veil keygen). Without it a new key is generated and written as ${GENERATED_KEY_NAME} next to the report, or beside <out> when the report is inside <out>, so that it never travels with the data. Later batches must pass it with --key-file to map patients, UIDs and dates the same way.`)}
${column('--pseudonyms FILE.csv', 'Patient pseudonyms from a table with the header original_patient_id,pseudonym_id,pseudonym_name (instead of keyed ones).')}
${column('--jobs N', 'Worker threads (default: the number of CPUs).')}
${column('--report FILE', 'Where to write the JSON report (default: <out>/veil-report.json).')}
${column('--accept-residual', 'Write files in which identifying values of the original (names, IDs, birth date, institution, physicians) remain in kept text. Without it such files fail with RESIDUAL_PHI and the report names where the values are (never the values).')}

Presets:
${presets.join('\n')}
`;
}

export function keygenHelp(): string {
  return `Usage: veil keygen FILE

Writes a new random 256-bit project key to FILE (mode 0600; an existing file is never overwritten).
Keep it secret: with it, anyone can confirm which original maps to which pseudonym.
`;
}
