// Contender `veil-engine`: Veil's core over a folder in one Node thread, the way `copy.mjs` copies
// it: read a file, de-identify it (basic profile, UIDs remapped, counts only), write it. No report,
// no hashing, no worker threads: the engine itself, against the same I/O as the floor.
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ReusableReader } from '../../src/cli/reusableReader';
import { coalesceParts, writePartsSync } from '../../src/cli/writeParts';
import { deidentify } from '../../src/core/deid/deidentify';
import { buildPlan } from '../../src/core/deid/plan';
import { defaultProfile } from '../../src/core/deid/profile';
import { parseProjectKey } from '../../src/core/deid/projectKey';
import { listFiles } from './walk.mjs';

const [input, output, keyFile] = process.argv.slice(2);
if (!input || !output || !keyFile) {
  console.error('usage: veil-engine.mjs <in> <out> <key-file>');
  process.exit(2);
}
const key = parseProjectKey(readFileSync(keyFile, 'utf8'));
const plan = buildPlan(defaultProfile());
const reader = new ReusableReader();
let failed = 0;
for (const rel of listFiles(input)) {
  const result = deidentify(reader.read(join(input, rel)), plan, {
    fileName: rel,
    key,
    detail: 'counts',
  });
  if (!result.ok) {
    failed += 1;
    console.error(`${rel}: ${result.error.code}`);
    continue;
  }
  const target = join(output, rel);
  mkdirSync(dirname(target), { recursive: true });
  writePartsSync(target, coalesceParts(result.parts), 'w');
}
process.exit(failed > 0 ? 1 : 0);
