export interface ProgressState {
  readonly files: number;
  readonly totalFiles: number;
  readonly bytes: number;
  readonly totalBytes: number;
  readonly elapsedMs: number;
}

export const formatMegabytes = (bytes: number): string => (bytes / 1e6).toFixed(1);

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** `120/800 files (15%)  54.3/320.0 MB  45.1 files/s  ETA 0:15` */
export function formatProgress(state: ProgressState): string {
  const { files, totalFiles, bytes, totalBytes, elapsedMs } = state;
  const seconds = elapsedMs / 1000;
  const percent = totalFiles === 0 ? 100 : Math.floor((files / totalFiles) * 100);
  const rate = seconds > 0 ? files / seconds : 0;
  // Bytes predict the time left better than file counts when file sizes vary (a CT series next to
  // a few big multi-frame files); file counts take over for empty files.
  const fraction = totalBytes > 0 ? bytes / totalBytes : totalFiles > 0 ? files / totalFiles : 1;
  // A guess from the first second and the first few percent is mostly worker start-up: show none.
  const eta =
    fraction >= 1
      ? '0:00'
      : fraction > 0 && (seconds >= 1 || fraction >= 0.05)
        ? formatDuration((seconds / fraction) * (1 - fraction))
        : '?';
  return (
    `${files}/${totalFiles} files (${percent}%)  ` +
    `${formatMegabytes(bytes)}/${formatMegabytes(totalBytes)} MB  ` +
    `${rate.toFixed(1)} files/s  ETA ${eta}`
  );
}

export interface LineSink {
  write(text: string): unknown;
  readonly isTTY?: boolean | undefined;
}

/**
 * On a terminal, one line rewritten in place (at most every 100 ms); elsewhere (a log file, CI), one
 * line per 10 % so the log stays short.
 */
export class ProgressLine {
  private files = 0;
  private bytes = 0;
  private lastDraw = -Infinity;
  private lastDecile = 0;
  private drawn = false;

  constructor(
    private readonly sink: LineSink,
    private readonly totalFiles: number,
    private readonly totalBytes: number,
    private readonly now: () => number = () => performance.now(),
    private readonly startedAt = now(),
  ) {}

  advance(bytes: number): void {
    this.files++;
    this.bytes += bytes;
    const complete = this.files >= this.totalFiles;
    if (this.sink.isTTY) {
      const time = this.now();
      if (complete || time - this.lastDraw >= 100) {
        this.lastDraw = time;
        this.sink.write(`\r\x1b[2K${this.text()}`);
        this.drawn = true;
      }
      return;
    }
    const decile = this.totalFiles === 0 ? 10 : Math.floor((this.files * 10) / this.totalFiles);
    if (decile > this.lastDecile) {
      this.lastDecile = decile;
      this.sink.write(`${this.text()}\n`);
    }
  }

  /** Prints a message line without leaving a half-drawn progress line above it. */
  log(line: string): void {
    if (this.sink.isTTY && this.drawn) {
      this.sink.write(`\r\x1b[2K${line}\n${this.text()}`);
    } else {
      this.sink.write(`${line}\n`);
    }
  }

  finish(): void {
    if (this.sink.isTTY && this.drawn) this.sink.write('\n');
    this.drawn = false;
  }

  private text(): string {
    return `veil: ${formatProgress({
      files: this.files,
      totalFiles: this.totalFiles,
      bytes: this.bytes,
      totalBytes: this.totalBytes,
      elapsedMs: this.now() - this.startedAt,
    })}`;
  }
}
