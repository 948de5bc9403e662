// The `veil-engine` contender as one Node file: scripts/bench/veilEngine.ts (core in one thread)
// bundled by esbuild (and the floors' parseFloor.ts the same way). Shared by the engine bench
// (engine.mjs) and the app bench (e2e.mjs).
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');

/**
 * The heap the CLI gives its workers (src/cli/pool.ts WORKER_LIMITS: 6 MB young generation, 128 MB
 * old generation), as node flags for the one-thread runs that stand for it.
 */
export const WORKER_HEAP_FLAGS = ['--max-semi-space-size=2', '--max-old-space-size=128'];

/** Bundles to `outfile`; returns undefined, or what went wrong (esbuild's last line). */
export function bundleVeilEngine(outfile) {
  return bundleBenchScript('veilEngine.ts', outfile);
}

/** Any TypeScript script of this folder as one Node file (the bench's floors use it too). */
export function bundleBenchScript(script, outfile) {
  const built = spawnSync(
    join(ROOT, 'node_modules', '.bin', 'esbuild'),
    [
      join(HERE, script),
      '--bundle',
      '--platform=node',
      '--format=esm',
      '--target=node20',
      `--outfile=${outfile}`,
      '--log-level=warning',
      // dicom-parser's UMD bundle mentions require('zlib'); give the ESM bundle a require.
      "--banner:js=import { createRequire as __veilRequire } from 'node:module'; const require = __veilRequire(import.meta.url);",
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  return built.status === 0
    ? undefined
    : `esbuild failed: ${(built.stderr || '').trim().split('\n').pop()}`;
}
