import type { AuditEvent } from '../../core/audit';
import type { AuditTrail } from './trail';

interface Item {
  promise: Promise<AuditEvent | null>;
  settled: boolean;
}

/** Entries per write: a run of 5,000 files makes a few dozen transactions, not 5,000. */
const MAX_PER_WRITE = 500;

/**
 * Keeps the order of audit events as the store records them, even when an event needs work first
 * (the import's file hashes): `record` takes an event or a promise of one, and entries join the
 * chain in the order `record` was called. Events that are ready together are written in one
 * transaction. A failed write goes to `onError` (the page shows it) and does not stop later ones.
 */
export class AuditRecorder {
  private readonly queue: Item[] = [];
  private draining: Promise<void> | undefined;

  constructor(
    private readonly trail: () => AuditTrail,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** A promise resolving to null records nothing (the work found nothing to log). */
  record(event: AuditEvent | Promise<AuditEvent | null>): void {
    const item: Item = { promise: Promise.resolve(event), settled: false };
    item.promise = item.promise.then(
      (value) => {
        item.settled = true;
        return value;
      },
      (error: unknown) => {
        item.settled = true;
        this.onError(error);
        return null;
      },
    );
    this.queue.push(item);
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
    });
  }

  /** Resolves once every event recorded so far is written (or has failed). */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** One write; if it fails, one by one, so that one refused event does not lose the rest. */
  private async write(events: readonly AuditEvent[]): Promise<void> {
    try {
      await this.trail().append(events);
      return;
    } catch (error) {
      if (events.length === 1) {
        this.onError(error);
        return;
      }
    }
    for (const event of events) {
      try {
        await this.trail().append([event]);
      } catch (error) {
        this.onError(error);
      }
    }
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const events: AuditEvent[] = [];
      const first = await this.queue.shift()!.promise;
      if (first) events.push(first);
      // Whatever else is already settled goes into the same write.
      while (this.queue[0]?.settled && events.length < MAX_PER_WRITE) {
        const next = await this.queue.shift()!.promise;
        if (next) events.push(next);
      }
      if (events.length === 0) continue;
      await this.write(events);
    }
  }
}
