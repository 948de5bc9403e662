import { readFileSync } from 'node:fs';
import { parseFile } from '../../src/core/dicom/parse';

/**
 * Parses each file named on the command line with core's strict reader and prints
 * `{ "<path>": null | "<error>" }`. Bundled with esbuild before it runs: under Node's own ESM loader
 * (Playwright's, tsx) `import * as dicomParser` from the CommonJS dicom-parser lacks its named
 * exports, so core's parser cannot run inside a spec.
 */
const results: Record<string, string | null> = {};
for (const path of process.argv.slice(2)) {
  try {
    parseFile(new Uint8Array(readFileSync(path)), path);
    results[path] = null;
  } catch (error) {
    results[path] = error instanceof Error ? error.message : String(error);
  }
}
process.stdout.write(JSON.stringify(results));
