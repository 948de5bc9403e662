import { afterEach, describe, expect, it, vi } from 'vitest';
import { withDeadline } from './deadline';

afterEach(() => {
  vi.useRealTimers();
});

describe('withDeadline', () => {
  it('rejects with the message when the promise never settles', async () => {
    vi.useFakeTimers();
    const waiting = withDeadline(new Promise<number>(() => undefined), 60_000, 'no answer');
    const outcome = waiting.then(
      () => 'resolved',
      (error: Error) => error.message,
    );
    await vi.advanceTimersByTimeAsync(59_999);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await outcome).toBe('no answer');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('passes on the answer or the error in time, and clears its timer', async () => {
    vi.useFakeTimers();
    expect(await withDeadline(Promise.resolve(7), 1000, 'late')).toBe(7);
    expect(vi.getTimerCount()).toBe(0);
    await expect(
      withDeadline(Promise.reject(new Error('bad frame')), 1000, 'late'),
    ).rejects.toThrow('bad frame');
    expect(vi.getTimerCount()).toBe(0);
  });
});
