#!/usr/bin/env node
// `npx veil …`: the bundled command line (built by `npm ci` through the `prepare` script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../dist-cli/main.js', import.meta.url));
if (!existsSync(main)) {
  console.error('veil: the command line is not built; run `npm run build:cli` (npm ci does it).');
  process.exit(2);
}
await import(main);
