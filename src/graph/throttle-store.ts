import { STRIKE_MEMORY_SECONDS } from './throttle-scopes.js';

/** A closed scope: how long it stays closed, and the Graph code that closed it when known. */
export interface ClosedScope {
  remainingMs: number;
  code: number | undefined;
}

/** Where closed scopes are kept across replicas (redis-throttle-store.ts). Every method may reject: the caller then acts as if nothing were known. */
export interface SharedThrottleStore {
  closed(keys: readonly string[]): Promise<(ClosedScope | undefined)[]>;
  /** Counts one more throttle of the key in a row; resolves with the count. */
  strike(key: string): Promise<number>;
  close(key: string, waitMs: number, code: number | undefined): Promise<void>;
  disconnect(): void;
}

/** Keys one process remembers at once; the oldest are dropped first, so memory stays bounded. */
const MAX_KEYS = 10_000;

interface Entry {
  until: number;
  code: number | undefined;
  strikes: number;
}

/**
 * The scopes this process saw closed: always kept (it is what a replica knows without Redis, and
 * spares it a round trip for what it saw itself), bounded like MechanismMemory.
 */
export class LocalThrottleStore {
  readonly #entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  closed(key: string): ClosedScope | undefined {
    const entry = this.#entries.get(key);
    const remainingMs = entry ? entry.until - this.now() : 0;
    return entry && remainingMs > 0 ? { remainingMs, code: entry.code } : undefined;
  }

  strike(key: string): number {
    const entry = this.#entries.get(key);
    // A strike counts as "in a row" while the last wait is on or ended less than STRIKE_MEMORY_SECONDS ago.
    return entry && entry.until + STRIKE_MEMORY_SECONDS * 1000 > this.now() ? entry.strikes + 1 : 1;
  }

  close(key: string, waitMs: number, code: number | undefined, strikes: number): void {
    this.#entries.delete(key);
    this.#entries.set(key, { until: this.now() + waitMs, code, strikes });
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= MAX_KEYS) break;
      this.#entries.delete(oldest);
    }
  }
}
