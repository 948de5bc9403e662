import { execFileSync } from 'node:child_process';

/**
 * Builds the command line once before any test file runs: the integration tests spawn
 * `node bin/veil.mjs`, and building from several test processes at once raced on dist-cli/.
 */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build-cli.mjs'], { stdio: 'pipe' });
}
