import { describe, expect, it } from 'vitest';
import { formatDuration, formatProgress, ProgressLine } from './progress';

describe('formatProgress', () => {
  it('shows files, megabytes, rate and an ETA from the bytes done', () => {
    expect(
      formatProgress({
        files: 30,
        totalFiles: 120,
        bytes: 25e6,
        totalBytes: 100e6,
        elapsedMs: 10_000,
      }),
    ).toBe('30/120 files (25%)  25.0/100.0 MB  3.0 files/s  ETA 0:30');
  });

  it('says ? before anything is done and 0:00 at the end', () => {
    expect(
      formatProgress({ files: 0, totalFiles: 5, bytes: 0, totalBytes: 10, elapsedMs: 0 }),
    ).toMatch(/ETA \?$/);
    expect(
      formatProgress({ files: 5, totalFiles: 5, bytes: 0, totalBytes: 0, elapsedMs: 2000 }),
    ).toBe('5/5 files (100%)  0.0/0.0 MB  2.5 files/s  ETA 0:00');
  });

  it('formats durations as m:ss or h:mm:ss', () => {
    expect(formatDuration(59.6)).toBe('1:00');
    expect(formatDuration(3725)).toBe('1:02:05');
  });
});

describe('ProgressLine', () => {
  const sink = (isTTY: boolean): { isTTY: boolean; text: string; write(t: string): void } => ({
    isTTY,
    text: '',
    write(t: string) {
      this.text += t;
    },
  });

  it('writes one line per 10 % when the output is not a terminal', () => {
    const out = sink(false);
    let time = 0;
    const line = new ProgressLine(out, 25, 25, () => time);
    for (let i = 0; i < 25; i++) {
      time += 100;
      line.advance(1);
    }
    line.finish();
    const lines = out.text.trimEnd().split('\n');
    expect(lines).toHaveLength(10);
    expect(lines[0]).toMatch(/^veil: 3\/25 files \(12%\)/);
    expect(lines[9]).toMatch(/^veil: 25\/25 files \(100%\)/);
    expect(out.text).not.toContain('\r');
  });

  it('rewrites one line on a terminal, at most every 100 ms, and always at the end', () => {
    const out = sink(true);
    let time = 0;
    const line = new ProgressLine(out, 10, 10, () => time);
    for (let i = 0; i < 10; i++) {
      time += 30;
      line.advance(1);
    }
    line.log('veil: skipped x: not DICOM');
    line.finish();
    const draws = out.text.split('\r\x1b[2K').filter(Boolean);
    // Draws at 30 ms (first), 150, 270 and 300 ms (the last file), then the log line and a redraw.
    expect(draws.map((d) => d.match(/^veil: (\d+)\//)?.[1] ?? d.slice(0, 12))).toEqual([
      '1',
      '5',
      '9',
      '10',
      'veil: skippe',
    ]);
    expect(out.text.endsWith('ETA 0:00\n')).toBe(true);
  });
});
