#!/usr/bin/env node
// Contender `copy`: the floor. Reads every file whole and writes it out, one thread, synchronous.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { listFiles } from './walk.mjs';

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: copy.mjs <in> <out>');
  process.exit(2);
}
for (const rel of listFiles(input)) {
  const target = join(output, rel);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, readFileSync(join(input, rel)));
}
