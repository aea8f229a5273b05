import { UpstreamError } from './errors.js';

export interface ConcurrencyLimitOptions {
  /** Calls in flight per process (UPSTREAM_MAX_CONCURRENCY). */
  max: number;
  /** Calls that may wait, all callers together (UPSTREAM_MAX_QUEUE). */
  maxQueue: number;
  /** Calls one caller may have waiting (UPSTREAM_MAX_QUEUE_PER_TOKEN). */
  maxQueuePerKey: number;
  /** Calls one caller may have in flight (UPSTREAM_MAX_CONCURRENCY_PER_TOKEN); undefined: no cap of its own. */
  maxPerKey?: number | undefined;
}

interface Waiter {
  key: string;
  grant(): void;
  refuse(error: UpstreamError): void;
}

/**
 * A bound on the Graph calls one process has in flight, fair between callers (token fingerprints).
 *
 * A caller alone may use every free slot: nothing is reserved for callers who are not there. Once
 * calls wait, each freed slot goes to the callers in turn (round-robin over the keys that have
 * calls waiting, FIFO within a key), so a flood from one token delays another token's call by about
 * one slot release, not by the flood's length. Each key may have `maxQueuePerKey` calls waiting, and
 * all keys together `maxQueue`; when the whole queue is full, a caller with fewer calls waiting than
 * the longest queue takes that queue's newest place instead of being refused. Refusals are
 * RATE_LIMITED with `retryAfterSeconds: 1`, never an unbounded wait while the caller times out.
 */
export class ConcurrencyLimit {
  private active = 0;
  private waitingCount = 0;
  private readonly activeByKey = new Map<string, number>();
  /** Keys with calls waiting, in the order they are served next (a Map keeps insertion order). */
  private readonly queues = new Map<string, Waiter[]>();

  constructor(private readonly options: ConcurrencyLimitOptions) {}

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waitingCount;
  }

  /**
   * Resolves with a release function once a slot is free for `key`. Rejects with RATE_LIMITED when
   * the key's queue (or the whole queue) is full, or with the signal's reason when it aborts while
   * waiting.
   */
  async acquire(key: string, signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    if (!this.queues.has(key) && this.active < this.options.max && this.mayStart(key)) {
      this.start(key);
      return this.releaser(key);
    }
    this.makeRoomFor(key);
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        key,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        refuse: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      const onAbort = () => {
        this.remove(waiter);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.enqueue(waiter);
    });
    return this.releaser(key);
  }

  /** Throws RATE_LIMITED unless `key` may add a call to the queue (possibly by displacing a longer queue's newest). */
  private makeRoomFor(key: string): void {
    const own = this.queues.get(key)?.length ?? 0;
    // (A per-key bound of the whole queue or more is the global bound, refused below with its own name.)
    if (own >= this.options.maxQueuePerKey && this.options.maxQueuePerKey < this.options.maxQueue) {
      throw rateLimited(
        `This token already has ${own} Graph API calls waiting for one of the gateway's ${this.options.max} upstream slots ` +
          `(UPSTREAM_MAX_QUEUE_PER_TOKEN); retry in a second`,
      );
    }
    if (this.waitingCount < this.options.maxQueue) return;
    const longest = this.longestQueue();
    if (!longest || longest.length <= own + 1) {
      throw rateLimited(
        `The gateway is at its limit of ${this.options.max} concurrent Graph API calls (UPSTREAM_MAX_CONCURRENCY) ` +
          `with ${this.waitingCount} more waiting (UPSTREAM_MAX_QUEUE); retry in a second`,
      );
    }
    // The queue is full because another caller holds most of it: its newest call gives way.
    const displaced = longest[longest.length - 1]!;
    this.remove(displaced);
    displaced.refuse(
      rateLimited(
        `The gateway's queue for Graph API calls is full (UPSTREAM_MAX_QUEUE) and this token holds the largest share of it; retry in a second`,
      ),
    );
  }

  private longestQueue(): Waiter[] | undefined {
    let longest: Waiter[] | undefined;
    for (const queue of this.queues.values()) if (!longest || queue.length > longest.length) longest = queue;
    return longest;
  }

  private mayStart(key: string): boolean {
    return this.options.maxPerKey === undefined || (this.activeByKey.get(key) ?? 0) < this.options.maxPerKey;
  }

  private start(key: string): void {
    this.active++;
    this.activeByKey.set(key, (this.activeByKey.get(key) ?? 0) + 1);
  }

  private enqueue(waiter: Waiter): void {
    const queue = this.queues.get(waiter.key);
    if (queue) queue.push(waiter);
    else this.queues.set(waiter.key, [waiter]);
    this.waitingCount++;
  }

  private remove(waiter: Waiter): void {
    const queue = this.queues.get(waiter.key);
    const index = queue?.indexOf(waiter) ?? -1;
    if (!queue || index < 0) return;
    queue.splice(index, 1);
    this.waitingCount--;
    if (queue.length === 0) this.queues.delete(waiter.key);
  }

  private releaser(key: string): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      const left = (this.activeByKey.get(key) ?? 1) - 1;
      if (left === 0) this.activeByKey.delete(key);
      else this.activeByKey.set(key, left);
      this.dispatch();
    };
  }

  /** Hands free slots to waiting calls, one key at a time in turn; keys at their own cap are skipped. */
  private dispatch(): void {
    while (this.active < this.options.max && this.waitingCount > 0) {
      const next = this.nextServable();
      if (!next) return;
      const [key, queue] = next;
      const waiter = queue.shift()!;
      this.waitingCount--;
      // Served: the key goes to the back of the line (or leaves it when it has nothing waiting).
      this.queues.delete(key);
      if (queue.length > 0) this.queues.set(key, queue);
      this.start(key);
      waiter.grant();
    }
  }

  private nextServable(): [string, Waiter[]] | undefined {
    for (const entry of this.queues) if (this.mayStart(entry[0])) return entry;
    return undefined;
  }
}

function rateLimited(message: string): UpstreamError {
  return new UpstreamError('RATE_LIMITED', message, undefined, 1);
}
