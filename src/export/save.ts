/** Where a zip is written: a file chosen in the save dialog, or a download. */
export interface SaveTarget {
  readonly kind: 'file' | 'download';
  /** What the file is called, for the message once it is written. */
  readonly name: string;
  /**
   * Writes the zip. `stream` holds the same bytes as `zip` (the export passes it through the audit
   * trail's archive hash): the file target writes it to the chosen file (a target of kind 'file'
   * is always given a stream); the download target gives `zip` itself to the browser's download
   * manager, and reads `stream` beside it, if there is one, only for whoever taps it.
   */
  write(stream: ReadableStream<Uint8Array> | null, zip: Blob): Promise<void>;
}

/** The File System Access API, where the browser has it (Chromium); not in TypeScript's DOM lib. */
interface SavePickerWindow {
  showSaveFilePicker?: (options: {
    suggestedName: string;
    types: { description: string; accept: Record<string, string[]> }[];
  }) => Promise<{ readonly name: string; createWritable(): Promise<WritableStream<Uint8Array>> }>;
}

/**
 * Asks where to save. With the File System Access API the zip streams straight to the chosen file;
 * elsewhere the zip Blob itself is downloaded. That Blob is assembled from the outputs' Blobs
 * (src/export/zip.ts), which are slices of the workers' work files on disk, so the download streams
 * from disk to disk in the browser process: a 4 GB export sits in memory on neither path, and the
 * download path copies nothing first (writing the zip to a file of its own before downloading it
 * would cost a full extra copy). Call it first in a click handler: the dialog needs the click's
 * user activation. Resolves null when the person cancels the dialog.
 */
export async function openSaveTarget(suggestedName: string): Promise<SaveTarget | null> {
  const picker = (globalThis as SavePickerWindow).showSaveFilePicker;
  if (picker) {
    try {
      const handle = await picker.call(globalThis, {
        suggestedName,
        types: [{ description: 'Zip archive', accept: { 'application/zip': ['.zip'] } }],
      });
      return {
        kind: 'file',
        name: handle.name,
        // pipeTo aborts the writable when the stream fails: the browser then discards the partial file.
        write: async (stream, zip) =>
          (stream ?? zip.stream()).pipeTo(await handle.createWritable()),
      };
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') return null;
      // No user activation left, or saving to disk not allowed here: fall back to a download.
    }
  }
  return {
    kind: 'download',
    name: suggestedName,
    write: async (stream, zip) => {
      const read = stream?.pipeTo(drain());
      downloadBlob(suggestedName, zip);
      await read;
    },
  };
}

export function downloadBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started reading the Blob by now; give slow disks a minute.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * A sink that drops what it is given, giving the page a turn every few milliseconds: a stream read
 * from a disk-backed Blob delivers gigabytes as fast as the page takes them, in one long task.
 */
function drain(): WritableStream<Uint8Array> {
  let since = performance.now();
  return new WritableStream({
    write: async () => {
      if (performance.now() - since < 10) return;
      await new Promise((resolve) => setTimeout(resolve, 0));
      since = performance.now();
    },
  });
}
