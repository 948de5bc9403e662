// `npm run bench:cpu` (once `npm run bench` has made the data): the engine's own CPU time, without
// file I/O. Every file of a folder is held in memory and de-identified `--rounds` times in one
// thread; prints the cold first round and the median round. Pair it with `node --cpu-prof`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { deidentify } from '../../src/core/deid/deidentify';
import { buildPlan } from '../../src/core/deid/plan';
import { defaultProfile } from '../../src/core/deid/profile';
import { parseProjectKey } from '../../src/core/deid/projectKey';
import { listFiles } from './walk.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { rounds: { type: 'string', default: '5' } },
});
const [input, keyFile] = positionals;
if (!input || !keyFile) {
  console.error('usage: engine-cpu.mjs <folder> <key-file> [--rounds N]');
  process.exit(2);
}
const t0 = process.hrtime.bigint();
const key = parseProjectKey(readFileSync(keyFile, 'utf8'));
const plan = buildPlan(defaultProfile());
console.log(`set-up (key, plan): ${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(1)} ms`);
const files = listFiles(input).map((rel) => ({ rel, bytes: readFileSync(join(input, rel)) }));
const rounds: number[] = [];
for (let round = 0; round < Number(values.rounds); round++) {
  const start = process.hrtime.bigint();
  for (const { rel, bytes } of files) {
    const result = deidentify(bytes, plan, { fileName: rel, key, detail: 'counts' });
    if (!result.ok) throw new Error(`${rel}: ${result.error.code}`);
  }
  rounds.push(Number(process.hrtime.bigint() - start) / 1e6);
}
console.log(`first round (cold JIT): ${rounds[0]?.toFixed(1)} ms`);
rounds.sort((a, b) => a - b);
const median = rounds[Math.floor(rounds.length / 2)] ?? 0;
console.log(
  `${files.length} files, ${rounds.length} rounds: median ${median.toFixed(1)} ms/round, ` +
    `${((median * 1000) / files.length).toFixed(1)} µs/file`,
);
