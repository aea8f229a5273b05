import type { Redis } from 'ioredis';
import { failFastRedis } from './fail-fast-redis.js';
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
 * Closed scopes shared by every replica: `<key>:wait` holds `<code>:<end of the wait, Unix ms>` and
 * expires (PX) when the wait ends, so a replica whose clock is off sees at most the wait Redis
 * keeps; `<key>:strikes` counts throttles in a row (INCR, expiring after the longest wait plus
 * STRIKE_MEMORY_SECONDS). Keys carry token fingerprints and ids, never a token (throttle-scopes.ts).
 * What is read back is checked: a value that is not what this module writes counts as open.
 */
export class RedisThrottleStore implements SharedThrottleStore {
  readonly #redis: Redis;

  constructor(
    url: string,
    private readonly maxWaitSeconds: number,
    logger: Logger,
  ) {
    this.#redis = failFastRedis(url, {
      commandTimeoutMs: THROTTLE_REDIS_TIMEOUT_MS,
      logger,
      unreachableMessage: 'throttle memory: Redis unreachable, each replica remembers only what it saw',
    });
  }

  async closed(keys: readonly string[]): Promise<(ClosedScope | undefined)[]> {
    // One MGET: the value carries the code and the end of the wait (measured: about half the CPU of
    // a pipeline of PTTLs, which would read the end on Redis' clock instead of the writer's).
    const values = await this.#redis.mget(...keys.map((key) => PREFIX + key + ':wait'));
    const now = Date.now();
    return keys.map((_, i) => {
      const wait = parseWait(values[i]);
      const remainingMs = wait ? Math.min(wait.until - now, this.maxWaitSeconds * 1000) : 0;
      return wait && remainingMs > 0 ? { remainingMs, code: wait.code } : undefined;
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
    const ms = Math.max(1, Math.round(waitMs));
    await this.#redis.set(PREFIX + key + ':wait', `${code ?? 0}:${Date.now() + ms}`, 'PX', ms);
  }

  /** Connected and answering commands (until then, and while away, nothing is known: see above). */
  get ready(): boolean {
    return this.#redis.status === 'ready';
  }

  disconnect(): void {
    this.#redis.disconnect();
  }
}

/**
 * `<code>:<end of the wait, Unix ms>` as close() writes it; anything else (another writer, a
 * damaged value) is no wait. A code that is not a throttling code is dropped.
 */
function parseWait(value: string | null | undefined): { code: number | undefined; until: number } | undefined {
  const match = typeof value === 'string' ? /^(\d{1,7}):(\d{1,15})$/.exec(value) : null;
  if (!match) return undefined;
  const code = Number(match[1]);
  return { code: throttleScopeOf(code) === undefined ? undefined : code, until: Number(match[2]) };
}
