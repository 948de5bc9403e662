#!/usr/bin/env node
// `npm test`: format check, types, lint, unit tests, build, e2e tests (and, with VEIL_TEST_LARGE=1,
// the 2 GB batch), in that order.
// Every step runs even when an earlier one failed, so one run shows every problem; the last line
// totals unit and e2e tests as `N passed, M failed` (CI reads it).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';

mkdirSync('test-results', { recursive: true });
const UNIT_JSON = 'test-results/unit-results.json';
const E2E_JSON = 'test-results/e2e-results.json';

/** @type {{ name: string, ok: boolean }[]} */
const steps = [];
function run(name, command, args, env = {}) {
  console.log(`\n── ${name}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  const ok = result.status === 0;
  steps.push({ name, ok });
  return ok;
}

run('format', 'npx', ['prettier', '--check', '.']);
run('types', 'npm', ['run', '--silent', 'typecheck']);
run('lint', 'npx', ['eslint', '.', '--max-warnings', '0']);
run('unit', 'npx', [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile=${UNIT_JSON}`,
]);
const built = run('build', 'npx', ['vite', 'build']);
if (built) run('e2e', 'npx', ['playwright', 'test']);
// The 2 GB batch through the app (issue 5 §6): ~2 minutes and 4 GB of temporary disk, so only
// when asked (CI asks): VEIL_TEST_LARGE=1. It counts as one test.
const large = built && process.env.VEIL_TEST_LARGE === '1';
if (large) {
  run('large', 'node', ['scripts/large/run.mjs', '--no-build'], {
    VEIL_E2E_DIST: process.env.VEIL_E2E_DIST ?? 'dist',
  });
}

let passed = 0;
let failed = 0;
if (existsSync(UNIT_JSON)) {
  const unit = JSON.parse(readFileSync(UNIT_JSON, 'utf8'));
  passed += unit.numPassedTests ?? 0;
  failed += (unit.numFailedTests ?? 0) + (unit.numRuntimeErrorTestSuites ?? 0);
} else failed += 1;
if (built && existsSync(E2E_JSON)) {
  const e2e = JSON.parse(readFileSync(E2E_JSON, 'utf8'));
  passed += e2e.stats?.expected ?? 0;
  failed += (e2e.stats?.unexpected ?? 0) + (e2e.stats?.flaky ?? 0);
} else failed += 1;

if (large) {
  if (steps.find((s) => s.name === 'large')?.ok) passed += 1;
  else failed += 1;
}

const badSteps = steps.filter((s) => !s.ok).map((s) => s.name);
console.log(`\nsteps: ${steps.map((s) => `${s.name} ${s.ok ? 'ok' : 'FAILED'}`).join(', ')}`);
if (badSteps.length > 0 && failed === 0) failed = badSteps.length;
console.log(`${passed} passed, ${failed} failed`);
process.exit(badSteps.length > 0 || failed > 0 ? 1 : 0);
