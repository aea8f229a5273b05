import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub } from 'graphql-yoga';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../logger.js';
import { DEDUPE_SECONDS, EventStoreUnavailable, GROUP_EVENTS_TOPIC, type EventStore, type GroupEventsPubSub } from './event-store.js';
import type { GroupEvent, GroupEventData } from './group-event.js';

const STREAM_KEY = 'whatsapp:group-events:stream';
const SEEN_PREFIX = 'whatsapp:group-events:seen:';

/**
 * Dedupe, store and publish in one step, so that a change is either stored and announced once or
 * not at all (a half-done append would make Meta's retry look like a duplicate and lose it).
 * The published message is the stored JSON with the stream id the XADD gave it as `eventId`.
 */
const APPEND_SCRIPT = `
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return false end
local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'event', ARGV[3])
redis.call('PUBLISH', ARGV[4], '{"eventId":"' .. id .. '",' .. string.sub(ARGV[3], 2))
return id
`;

type AppendingRedis = Redis & {
  appendGroupEvent(seenKey: string, streamKey: string, ttl: number, maxLen: number, json: string, topic: string): Promise<string | null>;
};

/**
 * Events shared by every replica through Redis: a stream (XADD … MAXLEN ~ retention) gives
 * increasing ids and the history to resume from, SET NX EX recognises a change another replica
 * already took, and Yoga's Redis event target (ioredis pub/sub) carries live events to all replicas.
 */
export class RedisEventStore implements EventStore {
  readonly pubsub: GroupEventsPubSub;
  readonly #commands: AppendingRedis;
  readonly #subscriber: Redis;
  readonly #gapListeners: (() => void)[] = [];
  #reachedOnce = false;

  constructor(
    url: string,
    private readonly retention: number,
    private readonly logger: Logger,
  ) {
    const common: RedisOptions = {
      // Reconnect forever, at most every 2 s: the service recovers on its own when Redis returns.
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
      connectTimeout: 5000,
    };
    // Commands fail at once while disconnected: a webhook must get its 5xx now, not wait in a queue.
    this.#commands = new Redis(url, { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 0 }) as AppendingRedis;
    this.#commands.defineCommand('appendGroupEvent', { numberOfKeys: 2, lua: APPEND_SCRIPT });
    this.#subscriber = new Redis(url, { ...common, maxRetriesPerRequest: null });
    this.pubsub = createPubSub({ eventTarget: createRedisEventTarget({ publishClient: this.#commands, subscribeClient: this.#subscriber }) });

    let subscriberWasReady = false;
    this.#subscriber.on('ready', () => {
      // Back after a drop: what was published meanwhile never reached this replica.
      if (subscriberWasReady) for (const listener of this.#gapListeners) listener();
      subscriberWasReady = true;
    });
    this.#commands.on('ready', () => {
      if (!this.#reachedOnce) logger.info('events: connected to Redis');
      this.#reachedOnce = true;
    });
    // ioredis messages name host and port at most (never the URL's password); logged once per state change.
    let lastError = '';
    const onError = (error: Error) => {
      if (error.message === lastError) return;
      lastError = error.message;
      logger.warn({ err: { message: error.message } }, 'events: Redis unreachable');
    };
    this.#commands.on('error', onError);
    this.#subscriber.on('error', onError);
    this.#commands.on('ready', () => (lastError = ''));
  }

  /** The command connection, for the write ledger. */
  get redis(): Redis {
    return this.#commands;
  }

  async append(data: GroupEventData, dedupeKey: string): Promise<GroupEvent | 'duplicate'> {
    const json = JSON.stringify(data);
    let id: string | null;
    try {
      id = await this.#commands.appendGroupEvent(SEEN_PREFIX + dedupeKey, STREAM_KEY, DEDUPE_SECONDS, this.retention, json, GROUP_EVENTS_TOPIC);
    } catch (error) {
      throw new EventStoreUnavailable(`Redis: ${error instanceof Error ? error.message : String(error)}`);
    }
    return id === null ? 'duplicate' : { eventId: id, ...data };
  }

  async readAfter(after: string, limit: number): Promise<GroupEvent[]> {
    let entries: [string, string[]][];
    try {
      entries = await this.#commands.xrange(STREAM_KEY, `(${after}`, '+', 'COUNT', limit);
    } catch (error) {
      throw new EventStoreUnavailable(`Redis: ${error instanceof Error ? error.message : String(error)}`);
    }
    return entries.map(([eventId, fields]) => ({ eventId, ...(JSON.parse(fields[1] ?? '{}') as GroupEventData) }));
  }

  onGap(listener: () => void): void {
    this.#gapListeners.push(listener);
  }

  unavailableDependency(): string | undefined {
    // Not ready until Redis has answered once; a later outage shows as 5xx on webhooks instead,
    // so that reads keep being served.
    return this.#reachedOnce ? undefined : 'redis';
  }

  async close(): Promise<void> {
    this.#subscriber.disconnect();
    this.#commands.disconnect();
  }
}
