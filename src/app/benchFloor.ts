// The floor of `npm run bench:e2e` (scripts/bench/floor.mjs): the least any page must do with the
// files it is given before it can offer them back as a zip, and nothing more. Every file is read
// once, whole (as the app must, to de-identify it), by as many readers as the app has workers;
// then the zip is made of the picked Files themselves (the browser reads them again for the
// download) and downloaded. No parsing, no hashing, no CRC-32 (the zip's are zero), no output
// kept: the app does all of that on top.
import { downloadBlob } from '../export/save';
import { zipParts } from '../export/zip';

const input = document.querySelector('input')!;

async function readOnce(file: File): Promise<void> {
  const reader = file.stream().getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    // Read and let go: only the reading is timed.
  }
}

input.addEventListener('change', () => {
  void (async () => {
    const files = [...(input.files ?? [])];
    let next = 0;
    const reader = async () => {
      while (next < files.length) await readOnce(files[next++]!);
    };
    const lanes = Math.max(1, navigator.hardwareConcurrency || 1);
    await Promise.all(Array.from({ length: lanes }, reader));
    const entries = files.map((file, i) => ({ name: `${i}.dcm`, data: file, crc32: 0 }));
    const { parts } = zipParts(entries, { lastModified: new Date() });
    downloadBlob('floor.zip', new Blob(parts, { type: 'application/zip' }));
  })();
});
