import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { STRIKE_MEMORY_SECONDS, throttleScopeOf } from './throttle-scopes.js';
import type { ClosedScope, SharedThrottleStore } from './throttle-store.js';

const PREFIX = 'whatsapp:throttle:';
/**
 * A Redis answer slower than this is no answer: the call goes on as if nothing were known (a
 * throttle memory must never hold calls up). ioredis' `commandTimeout`.
 */
export const THROTTLE_REDIS_TIMEOUT_MS = 250;

/**
 * Closed scopes shared by every replica: `<key>:wait` holds the closing Graph code and expires
 * (PX) when the wait ends, so the remaining wait is its PTTL, on Redis' clock (replicas' clocks
 * need not agree); `<key>:strikes` counts throttles in a row (INCR, expiring after the longest wait
 * plus STRIKE_MEMORY_SECONDS). Keys carry token fingerprints and ids, never a token (throttle-scopes.ts).
 * What is read back is checked: a value that is not what this module writes counts as open.
 */
export class RedisThrottleStore implements SharedThrottleStore {
  readonly #redis: Redis;

  constructor(
    url: string,
    private readonly maxWaitSeconds: number,
    logger: Logger,
  ) {
    this.#redis = new Redis(url, {
      // Fail at once while disconnected, and soon when Redis is slow: never hold a call up.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: THROTTLE_REDIS_TIMEOUT_MS,
      connectTimeout: 5000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    });
    // ioredis messages name host and port at most (never the URL's password); logged once per state change.
    let lastError = '';
    this.#redis.on('error', (error: Error) => {
      if (error.message === lastError) return;
      lastError = error.message;
      logger.warn({ err: { message: error.message } }, 'throttle memory: Redis unreachable, each replica remembers only what it saw');
    });
    this.#redis.on('ready', () => (lastError = ''));
  }

  async closed(keys: readonly string[]): Promise<(ClosedScope | undefined)[]> {
    const pipeline = this.#redis.pipeline();
    for (const key of keys) pipeline.pttl(PREFIX + key + ':wait').get(PREFIX + key + ':wait');
    const replies = (await pipeline.exec()) ?? [];
    return keys.map((_, i) => {
      const [ttlError, ttl] = replies[2 * i] ?? [];
      const [codeError, code] = replies[2 * i + 1] ?? [];
      if (ttlError || !Number.isSafeInteger(ttl) || (ttl as number) <= 0) return undefined;
      return { remainingMs: Math.min(ttl as number, this.maxWaitSeconds * 1000), code: codeError ? undefined : throttleCode(code) };
    });
  }

  async strike(key: string): Promise<number> {
    const replies = await this.#redis
      .multi()
      .incr(PREFIX + key + ':strikes')
      .expire(PREFIX + key + ':strikes', this.maxWaitSeconds + STRIKE_MEMORY_SECONDS)
      .exec();
    const count = replies?.[0]?.[1];
    return Number.isSafeInteger(count) && (count as number) > 0 ? (count as number) : 1;
  }

  async close(key: string, waitMs: number, code: number | undefined): Promise<void> {
    await this.#redis.set(PREFIX + key + ':wait', code === undefined ? '0' : String(code), 'PX', Math.max(1, Math.round(waitMs)));
  }

  disconnect(): void {
    this.#redis.disconnect();
  }
}

/** The Graph code stored with a wait, when it is one of the throttling codes; anything else is dropped. */
function throttleCode(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d{1,7}$/.test(value)) return undefined;
  const code = Number(value);
  return throttleScopeOf(code) === undefined ? undefined : code;
}
