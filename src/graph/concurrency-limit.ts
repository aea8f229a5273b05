import { UpstreamError } from './errors.js';

/**
 * A bound on the Graph calls one process has in flight. Calls beyond `max` wait in a FIFO queue of
 * at most `maxQueue`; beyond that they fail at once with RATE_LIMITED (retry in a second) rather than
 * piling up in an unbounded queue while their callers time out.
 */
export class ConcurrencyLimit {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly max: number,
    private readonly maxQueue: number,
  ) {}

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /**
   * Resolves with a release function once a slot is free. Rejects with RATE_LIMITED when the queue
   * is full, or with the signal's reason when it aborts while waiting.
   */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.active < this.max && this.waiting.length === 0) {
      this.active++;
      return this.releaser();
    }
    if (this.waiting.length >= this.maxQueue) {
      throw new UpstreamError(
        'RATE_LIMITED',
        `The gateway is at its limit of ${this.max} concurrent Graph API calls (UPSTREAM_MAX_CONCURRENCY) ` +
          `with ${this.waiting.length} more waiting (UPSTREAM_MAX_QUEUE); retry in a second`,
        undefined,
        1,
      );
    }
    signal?.throwIfAborted();
    await new Promise<void>((resolve, reject) => {
      const wake = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        const index = this.waiting.indexOf(wake);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(wake);
    });
    // The releasing caller handed its slot over: `active` is unchanged.
    return this.releaser();
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    };
  }
}
