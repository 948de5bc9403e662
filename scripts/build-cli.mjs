#!/usr/bin/env node
// Bundles the command line (src/cli) and the worker it starts into dist-cli/, so that `npx veil`
// runs with plain `node`. Runs on `npm ci` through the `prepare` script.
import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';

const entries = ['src/cli/main.ts', 'src/cli/worker.ts'].filter((f) => existsSync(f));
if (entries.length === 0) {
  console.log('build-cli: no CLI sources yet');
  process.exit(0);
}
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
await build({
  entryPoints: entries,
  outdir: 'dist-cli',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // `veil --version` (src/cli/version.ts).
  define: { __VEIL_VERSION__: JSON.stringify(version) },
  banner: {
    js: "import { createRequire as __veilRequire } from 'node:module'; const require = __veilRequire(import.meta.url);",
  },
});
