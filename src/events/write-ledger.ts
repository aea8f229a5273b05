import type { Redis } from 'ioredis';
import type { GraphRoute } from '../graph/route.js';
import type { Logger } from '../logger.js';
import type { StoreSignature } from './store-signature.js';

/** How long a write is remembered: its webhooks arrive within seconds, Meta's retries within days. */
const REMEMBER_SECONDS = 24 * 3600;
/** Writes one process remembers without Redis; the oldest are forgotten first. */
const MEMORY_CAPACITY = 100_000;

/** A write a caller made through the gateway: the answer's request id, and the group when its route names one. */
export interface Write {
  requestId?: string | undefined;
  groupId?: string | undefined;
}

/**
 * What an accepted write tells: the request id of its answer, and the group its route names (an
 * accepted write to a group or one of its edges shows the caller acts for that group; a creation
 * names none yet).
 */
export function writeOf(route: GraphRoute, answer: unknown): Write {
  const requestId = (answer as { request_id?: unknown } | null)?.request_id;
  return {
    requestId: typeof requestId === 'string' || typeof requestId === 'number' ? String(requestId) : undefined,
    groupId: route.groupId,
  };
}

/**
 * Which writes each caller made, by token fingerprint, so that the webhooks those writes cause
 * (a creation's result, a failure with no group to check access on, a deleted group no longer
 * readable) reach the caller who made them, and nobody else.
 */
export interface WriteLedger {
  record(fingerprint: string, write: Write): void;
  /** Whether this caller made a write with this request id or to this group. */
  knows(fingerprint: string, write: Write): Promise<boolean>;
}

function keysOf(fingerprint: string, write: Write): string[] {
  const keys: string[] = [];
  if (write.requestId) keys.push(`${fingerprint}:request:${write.requestId}`);
  if (write.groupId) keys.push(`${fingerprint}:group:${write.groupId}`);
  return keys;
}

export class MemoryWriteLedger implements WriteLedger {
  /** key → expiry (ms), in insertion order. */
  readonly #writes = new Map<string, number>();

  record(fingerprint: string, write: Write): void {
    const expiry = Date.now() + REMEMBER_SECONDS * 1000;
    for (const key of keysOf(fingerprint, write)) {
      this.#writes.delete(key);
      this.#writes.set(key, expiry);
    }
    while (this.#writes.size > MEMORY_CAPACITY) this.#writes.delete(this.#writes.keys().next().value!);
  }

  async knows(fingerprint: string, write: Write): Promise<boolean> {
    const now = Date.now();
    return keysOf(fingerprint, write).some((key) => (this.#writes.get(key) ?? 0) > now);
  }
}

/**
 * The same in Redis, so a webhook landing on another replica still finds the caller's writes. Each
 * entry's value is the MAC of its key name: an entry written by anyone without the replicas' key
 * (to grant a token another group's events) is not believed.
 */
export class RedisWriteLedger implements WriteLedger {
  constructor(
    private readonly redis: Redis,
    private readonly signature: StoreSignature,
    private readonly logger: Logger,
    /** Told of each entry found with a value that is not its MAC. */
    private readonly onForged: () => void = () => undefined,
  ) {}

  record(fingerprint: string, write: Write): void {
    const keys = keysOf(fingerprint, write).map(redisKeyOf);
    if (keys.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const key of keys) pipeline.set(key, this.signature.sign(key), 'EX', REMEMBER_SECONDS);
    pipeline.exec().catch((error: unknown) => {
      this.logger.warn({ err: { message: error instanceof Error ? error.message : String(error) } }, 'events: could not remember a write');
    });
  }

  async knows(fingerprint: string, write: Write): Promise<boolean> {
    const keys = keysOf(fingerprint, write).map(redisKeyOf);
    if (keys.length === 0) return false;
    let values: (string | null)[];
    try {
      values = await this.redis.mget(...keys);
    } catch {
      return false;
    }
    let known = false;
    values.forEach((value, i) => {
      if (value === null) return;
      if (this.signature.verify(keys[i]!, value)) known = true;
      else this.onForged();
    });
    return known;
  }
}

function redisKeyOf(key: string): string {
  return `whatsapp:writes:${key}`;
}
