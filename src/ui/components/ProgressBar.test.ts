// @vitest-environment jsdom
import { createElement } from 'react';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProgressBar, timeLeft } from './ProgressBar';

afterEach(cleanup);

const MB = 1024 * 1024;

describe('ProgressBar', () => {
  it('reports files, megabytes and time left through its ARIA values', () => {
    render(
      createElement(ProgressBar, {
        filesDone: 150,
        filesTotal: 600,
        bytesDone: 80 * MB,
        bytesTotal: 320 * MB,
        elapsedMs: 30_000,
      }),
    );
    const bar = screen.getByRole('progressbar', { name: 'De-identification progress' });
    expect(bar.getAttribute('aria-valuemin')).toBe('0');
    expect(bar.getAttribute('aria-valuemax')).toBe('600');
    expect(bar.getAttribute('aria-valuenow')).toBe('150');
    // A quarter of the bytes in 30 s: 90 s to go.
    expect(bar.getAttribute('aria-valuetext')).toBe(
      '150 of 600 files · 80.0 MB of 320 MB · about 1 min 30 s left',
    );
    expect((bar.firstElementChild as HTMLElement).style.transform).toBe('scaleX(0.250)');
  });

  it('prefers the caller estimate, says failures in words, and finishes', () => {
    const { rerender } = render(
      createElement(ProgressBar, {
        filesDone: 9,
        filesTotal: 10,
        bytesDone: 9 * MB,
        bytesTotal: 10 * MB,
        etaMs: 4_000,
        failed: 2,
      }),
    );
    const bar = screen.getByRole('progressbar');
    expect(bar.getAttribute('aria-valuetext')).toBe(
      '9 of 10 files · 9.0 MB of 10.0 MB · about 4 s left · 2 failed',
    );
    rerender(
      createElement(ProgressBar, {
        filesDone: 10,
        filesTotal: 10,
        bytesDone: 10 * MB,
        bytesTotal: 10 * MB,
        failed: 2,
      }),
    );
    expect(bar.getAttribute('aria-valuetext')).toBe(
      '10 of 10 files · 10.0 MB of 10.0 MB · done · 2 failed',
    );
  });

  it('does not guess the time left too early, and is indeterminate with nothing to do', () => {
    expect(timeLeft({ bytesDone: 1, bytesTotal: 1000, elapsedMs: 5000 })).toBeUndefined();
    expect(timeLeft({ bytesDone: 500, bytesTotal: 1000, elapsedMs: 500 })).toBeUndefined();
    expect(timeLeft({ bytesDone: 500, bytesTotal: 1000, elapsedMs: 2000 })).toBe(2000);
    render(
      createElement(ProgressBar, { filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0 }),
    );
    expect(screen.getByRole('progressbar').hasAttribute('aria-valuenow')).toBe(false);
  });

  it('offers Cancel while running when given one', () => {
    const onCancel = vi.fn();
    render(
      createElement(ProgressBar, {
        filesDone: 1,
        filesTotal: 3,
        bytesDone: 1,
        bytesTotal: 3,
        onCancel,
      }),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onCancel).toHaveBeenCalledTimes(1);
  });
});
