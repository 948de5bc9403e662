import { runCli } from './cli';

// Bundled by scripts/build-cli.mjs into dist-cli/main.js, beside dist-cli/worker.js.
const controller = new AbortController();
process.once('SIGINT', () => {
  process.stderr.write(
    '\nveil: interrupted: finishing the report (Ctrl-C again to quit at once)\n',
  );
  controller.abort();
  process.once('SIGINT', () => process.exit(130));
});

try {
  process.exitCode = await runCli(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    signal: controller.signal,
    workerUrl: new URL('./worker.js', import.meta.url),
  });
} catch (error) {
  // Only bugs get here; the stack helps the report and holds no file content.
  process.stderr.write(
    `veil: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
}
