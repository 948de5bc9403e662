/** Where a zip is written: a file chosen in the save dialog, or a download. */
export interface SaveTarget {
  readonly kind: 'file' | 'download';
  /** What the file is called, for the message once it is written. */
  readonly name: string;
  write(stream: ReadableStream<Uint8Array>): Promise<void>;
}

/** The File System Access API, where the browser has it (Chromium); not in TypeScript's DOM lib. */
interface SavePickerWindow {
  showSaveFilePicker?: (options: {
    suggestedName: string;
    types: { description: string; accept: Record<string, string[]> }[];
  }) => Promise<{ readonly name: string; createWritable(): Promise<WritableStream<Uint8Array>> }>;
}

/**
 * Asks where to save. With the File System Access API the zip streams straight to the chosen file
 * (a 4 GB export never sits in memory); elsewhere it becomes a Blob (held by the browser, outside
 * the JS heap) and a download. Call it first in a click handler: the dialog needs the click's user
 * activation. Resolves null when the person cancels the dialog.
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
        write: async (stream) => stream.pipeTo(await handle.createWritable()),
      };
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') return null;
      // No user activation left, or saving to disk not allowed here: fall back to a download.
    }
  }
  return {
    kind: 'download',
    name: suggestedName,
    write: async (stream) => downloadBlob(suggestedName, await new Response(stream).blob()),
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
