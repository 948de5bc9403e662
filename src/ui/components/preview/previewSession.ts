import * as engine from './cornerstoneSetup';
import type { OpenedFile, Voi } from './cornerstoneSetup';

export type { Voi };

export interface ShowRequest {
  /** The original file: window/level carries over while it stays the same. */
  readonly file: Blob;
  /** Its de-identified version, if any: kept open so the toggle does not re-read it. */
  readonly after?: Blob | undefined;
  /** The one to show now (`file` or `after`). */
  readonly shown: Blob;
  readonly frame: number;
}

export interface Shown {
  readonly frames: number;
  readonly voi: Voi;
  readonly defaultVoi: Voi;
  /** Pixel value range, to scale mouse drags to the image's dynamic range. */
  readonly range: number;
  readonly rows: number;
  readonly columns: number;
}

/**
 * One enabled cornerstone element and the files registered for it. Requests that are overtaken by a
 * newer one resolve to `undefined` instead of drawing a stale image.
 */
export class PreviewSession {
  private readonly files = new Map<Blob, OpenedFile>();
  private voi: Voi | undefined;
  private voiFile: Blob | undefined;
  private generation = 0;
  private destroyed = false;

  constructor(private readonly element: HTMLElement) {
    engine.enable(element);
  }

  async show(request: ShowRequest): Promise<Shown | undefined> {
    const generation = ++this.generation;
    this.closeAllBut([request.file, request.after]);
    const opened = this.open(request.shown);
    const image = await engine.loadImage(opened.frameId(request.frame));
    if (generation !== this.generation || this.destroyed) return undefined;
    // The de-identified file has the same pixels (only the header is rewritten), so one window serves both.
    const keep = this.voiFile === request.file ? this.voi : undefined;
    const voi = await engine.display(this.element, image, keep);
    this.voi = voi;
    this.voiFile = request.file;
    if (generation !== this.generation || this.destroyed) return undefined;
    return {
      frames: engine.frameCount(image),
      voi,
      defaultVoi: engine.defaultVoi(this.element, image),
      range: Math.max(1, image.maxPixelValue - image.minPixelValue),
      rows: image.rows,
      columns: image.columns,
    };
  }

  setVoi(voi: Voi): void {
    this.voi = { ...voi };
    engine.setVoi(this.element, voi);
  }

  resize(): void {
    engine.resize(this.element);
  }

  destroy(): void {
    this.destroyed = true;
    this.closeAllBut([]);
    engine.disable(this.element);
  }

  private open(blob: Blob): OpenedFile {
    let opened = this.files.get(blob);
    if (!opened) {
      opened = engine.openFile(blob);
      this.files.set(blob, opened);
    }
    return opened;
  }

  private closeAllBut(keep: readonly (Blob | undefined)[]): void {
    for (const [blob, opened] of this.files) {
      if (keep.includes(blob)) continue;
      opened.close();
      this.files.delete(blob);
    }
  }
}

export const createSession = (element: HTMLElement): PreviewSession => new PreviewSession(element);
