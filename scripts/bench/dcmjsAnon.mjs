#!/usr/bin/env node
// Contender `dcmjs`: dcmjs's own anonymizer, one thread. Per file: parse the whole object model
// (DicomMessage.readFile), blank its list of names (anonymizer.cleanTags: top level only, no UID
// remapping, no private tags), and serialise it again (write). A file dcmjs cannot handle is
// counted and skipped, so the harness sees it in the output file count.
import dcmjs from 'dcmjs';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { listFiles } from './walk.mjs';

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: dcmjsAnon.mjs <in> <out>');
  process.exit(2);
}
dcmjs.log.setLevel('error');
dcmjs.log.getLogger('validation.dcmjs').setLevel('silent');
let failed = 0;
for (const rel of listFiles(input)) {
  try {
    const bytes = readFileSync(join(input, rel));
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
    const file = dcmjs.data.DicomMessage.readFile(buffer);
    dcmjs.anonymizer.cleanTags(file.dict);
    const target = join(output, rel);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, new Uint8Array(file.write()));
  } catch (error) {
    failed++;
    if (failed <= 3)
      console.error(`dcmjs: ${rel}: ${error instanceof Error ? error.message : error}`);
  }
}
if (failed > 0) {
  console.error(`dcmjs: ${failed} file(s) failed`);
  process.exit(1);
}
