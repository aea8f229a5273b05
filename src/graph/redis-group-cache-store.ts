import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { failFastRedis } from './fail-fast-redis.js';
import type { CachedSlot, GroupCacheStore, RecordWrite } from './group-cache-store.js';
import { parseRecord, serializeRecord } from './group-record.js';

const RECORDS_PREFIX = 'whatsapp:group-cache:records:';
const GENERATION_PREFIX = 'whatsapp:group-cache:generation:';
/**
 * A generation outlives every record written under an older one: records live at most the TTL,
 * and a read that started before an invalidation finishes within OPERATION_TIMEOUT_MS.
 */
const GENERATION_MARGIN_MS = 10 * 60_000;
/** A Redis that takes longer than this counts as unreachable for that command. */
const COMMAND_TIMEOUT_MS = 1_000;

/**
 * Writes the record only while the group's generation is the one the read saw (a missing
 * generation is "0"); the group's hash of records expires with the TTL of its latest record.
 */
const WRITE_SCRIPT = `
if (redis.call('GET', KEYS[1]) or '0') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return 1
`;

type WritingRedis = Redis & {
  writeGroupRecord(generationKey: string, recordsKey: string, generation: string, fingerprint: string, record: string, ttlMs: number): Promise<number>;
};

/**
 * Group records in Redis, shared by every replica: one hash per group (`…:records:{group id}`),
 * one field per token fingerprint (never the token), holding the record as JSON; and a counter per
 * group (`…:generation:{group id}`). Invalidation bumps the counter and deletes the hash in one
 * transaction, so every token's records go at once, on every replica, and a read in flight cannot
 * put an older answer back.
 *
 * While Redis is unreachable, reads go upstream; invalidations that could not be made are kept
 * and made first when Redis is back, before records are served again.
 */
export class RedisGroupCacheStore implements GroupCacheStore {
  readonly #redis: WritingRedis;
  /** Groups whose invalidation has not reached Redis yet. */
  readonly #pending = new Set<string>();
  #catchingUp: Promise<void> | undefined;

  constructor(
    url: string,
    private readonly ttlMs: number,
    private readonly logger: Logger,
  ) {
    this.#redis = failFastRedis(url, {
      commandTimeoutMs: COMMAND_TIMEOUT_MS,
      logger,
      unreachableMessage: 'group cache: Redis unreachable, reads go to the Graph API',
    }) as WritingRedis;
    this.#redis.defineCommand('writeGroupRecord', { numberOfKeys: 2, lua: WRITE_SCRIPT });
    // Invalidations that could not reach Redis are made first when it is back.
    this.#redis.on('ready', () => void this.#catchUp());
  }

  async read(fingerprint: string, groupIds: readonly string[]): Promise<Map<string, CachedSlot> | undefined> {
    if (this.unavailableReason() !== undefined) return undefined;
    const pipeline = this.#redis.pipeline();
    for (const groupId of groupIds) pipeline.get(GENERATION_PREFIX + groupId).hget(RECORDS_PREFIX + groupId, fingerprint);
    let answers: [Error | null, unknown][] | null;
    try {
      answers = await pipeline.exec();
    } catch {
      return undefined;
    }
    if (!answers || answers.length !== groupIds.length * 2 || answers.some(([error]) => error)) return undefined;
    const now = Date.now();
    const found = new Map<string, CachedSlot>();
    groupIds.forEach((groupId, i) => {
      const generation = answers![2 * i]![1];
      found.set(groupId, {
        generation: typeof generation === 'string' ? generation : '0',
        record: parseRecord(answers![2 * i + 1]![1] as string | null, groupId, this.ttlMs, now),
      });
    });
    return found;
  }

  async write(fingerprint: string, writes: readonly RecordWrite[]): Promise<void> {
    if (this.unavailableReason() !== undefined) return;
    await Promise.all(
      writes.map(({ groupId, generation, record }) =>
        this.#redis
          .writeGroupRecord(GENERATION_PREFIX + groupId, RECORDS_PREFIX + groupId, generation, fingerprint, serializeRecord(record), this.ttlMs)
          .catch(() => undefined),
      ),
    );
  }

  async invalidate(groupIds: readonly string[]): Promise<void> {
    if (groupIds.length === 0) return;
    try {
      await this.#invalidateInRedis(groupIds);
    } catch (error) {
      // Not served from Redis again until these are made (see #catchUp).
      for (const groupId of groupIds) this.#pending.add(groupId);
      throw error;
    }
  }

  unavailableReason(): string | undefined {
    if (this.#redis.status !== 'ready') return 'redis unreachable';
    if (this.#pending.size === 0) return undefined;
    void this.#catchUp();
    return 'redis unreachable (invalidations waiting)';
  }

  async close(): Promise<void> {
    this.#redis.disconnect();
  }

  async #invalidateInRedis(groupIds: readonly string[]): Promise<void> {
    const transaction = this.#redis.multi();
    for (const groupId of groupIds) {
      transaction
        .incr(GENERATION_PREFIX + groupId)
        .pexpire(GENERATION_PREFIX + groupId, this.ttlMs + GENERATION_MARGIN_MS)
        .del(RECORDS_PREFIX + groupId);
    }
    const answers = await transaction.exec();
    const failed = answers?.find(([error]) => error)?.[0];
    if (!answers || failed) throw failed ?? new Error('Redis discarded the invalidation');
  }

  /** Back in touch with Redis: make the invalidations that waited, then serve records again. */
  #catchUp(): Promise<void> {
    if (!this.#catchingUp) {
      this.#catchingUp = this.#makePending().finally(() => {
        this.#catchingUp = undefined;
      });
    }
    return this.#catchingUp;
  }

  async #makePending(): Promise<void> {
    try {
      while (this.#pending.size > 0 && this.#redis.status === 'ready') {
        const groupIds = [...this.#pending];
        await this.#invalidateInRedis(groupIds);
        for (const groupId of groupIds) this.#pending.delete(groupId);
      }
      if (this.#pending.size === 0) this.logger.info('group cache: Redis reachable, caching again');
    } catch (error) {
      // Still unreachable: the next 'ready', read or readiness check tries again.
      this.logger.warn({ err: { message: error instanceof Error ? error.message : String(error) } }, 'group cache: invalidations still waiting for Redis');
    }
  }
}
