import { makeZip } from 'client-zip';
import type { ExportPlan } from './exportPlan';

/**
 * The export as one zip stream: documents first, then the files, each read from its Blob only when
 * the writer reaches it, so the archive never sits in memory. client-zip stores (no compression:
 * DICOM pixel data barely compresses and storing keeps the speed of a copy) and switches to Zip64
 * past 4 GB. `onFile` counts files written, for the progress bar.
 */
export function exportZipStream(
  plan: ExportPlan,
  created: Date,
  onFile?: (written: number) => void,
): ReadableStream<Uint8Array> {
  async function* entries() {
    for (const document of plan.documents) {
      yield { name: document.name, input: document.text, lastModified: created };
    }
    let written = 0;
    for (const file of plan.files) {
      yield { name: file.name, input: file.blob, lastModified: created, size: file.blob.size };
      onFile?.(++written);
    }
  }
  return makeZip(entries());
}
