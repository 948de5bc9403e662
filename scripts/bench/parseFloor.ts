// Contenders `dicom-parser` and `dicom-parser-2x`: floors for the engine's speed targets. Each file
// is read, parsed whole with dicom-parser (`--times 2`: twice, as the engine reads its input and
// then, for the post-check, its output) and written back unchanged, with the veil-engine
// contender's own I/O. No de-identification at all: the engine, which must read with dicom-parser
// (design.md, issue 2) and read its output back before it lets it out, cannot be faster.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import * as dicomParser from 'dicom-parser';
import { ReusableReader } from '../../src/cli/reusableReader';
import { writePartsSync } from '../../src/cli/writeParts';
import { listFiles } from './walk.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { times: { type: 'string', default: '1' } },
});
const [input, output] = positionals;
if (!input || !output) {
  console.error('usage: parse-floor.mjs <in> <out> [--times N]');
  process.exit(2);
}
const times = Math.max(1, Number(values.times) || 1);
const reader = new ReusableReader();
const made = new Set<string>();
let elements = 0;
for (const rel of listFiles(input)) {
  const bytes = reader.read(join(input, rel));
  for (let t = 0; t < times; t++)
    elements += Object.keys(dicomParser.parseDicom(bytes).elements).length;
  const target = join(output, rel);
  const dir = dirname(target);
  if (!made.has(dir)) {
    mkdirSync(dir, { recursive: true });
    made.add(dir);
  }
  writePartsSync(target, [bytes], 'w');
}
if (elements === 0) console.error('parse-floor: no elements read');
