import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub } from 'graphql-yoga';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../logger.js';
import type { RedisRejection } from '../observability/metrics.js';
import { EventStoreUnavailable, GROUP_EVENTS_TOPIC, type EventPage, type EventStore, type GroupEventsPubSub } from './event-store.js';
import { parseGroupEventData, type GroupEvent, type GroupEventData } from './group-event.js';
import type { StoreSignature } from './store-signature.js';

const STREAM_KEY = 'whatsapp:group-events:stream';
const SEEN_PREFIX = 'whatsapp:group-events:seen:';

/**
 * Dedupe, store and publish in one step, so that a change is either stored and announced once or
 * not at all (a half-done append would make Meta's retry look like a duplicate and lose it).
 * The entry carries the event's JSON and its MAC; the published message is the stored JSON with the
 * stream id as `eventId`, which replicas take only as a notice (they read the stream).
 */
const APPEND_SCRIPT = `
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return false end
local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'event', ARGV[3], 'mac', ARGV[5])
redis.call('PUBLISH', ARGV[4], '{"eventId":"' .. id .. '",' .. string.sub(ARGV[3], 2))
return id
`;

type AppendingRedis = Redis & {
  appendGroupEvent(seenKey: string, streamKey: string, ttl: number, maxLen: number, json: string, topic: string, mac: string): Promise<string | null>;
};

/** Marks a pub/sub message that is not JSON (Yoga's Redis event target would throw inside ioredis). */
export const UNREADABLE_MESSAGE = Symbol('unreadable message');

export interface RedisEventStoreOptions {
  url: string;
  retention: number;
  logger: Logger;
  /** Signs each stored event; an entry without a valid MAC is skipped. */
  signature: StoreSignature;
  /** Told of each entry read from Redis that was skipped. */
  onRejected?: ((source: RedisRejection) => void) | undefined;
}

/**
 * Events shared by every replica through Redis: a stream (XADD … MAXLEN ~ retention) gives
 * increasing ids and the history to resume from, SET NX EX recognises a change another replica
 * already took, and Yoga's Redis event target (ioredis pub/sub) tells every replica there is news.
 * Redis is a store, not an authority: each entry read is checked (MAC, shape) before it is an event.
 */
export class RedisEventStore implements EventStore {
  readonly pubsub: GroupEventsPubSub;
  readonly #commands: AppendingRedis;
  readonly #subscriber: Redis;
  readonly #gapListeners: (() => void)[] = [];
  readonly #retention: number;
  readonly #signature: StoreSignature;
  readonly #onRejected: (source: RedisRejection) => void;
  #reachedOnce = false;

  constructor({ url, retention, logger, signature, onRejected }: RedisEventStoreOptions) {
    this.#retention = retention;
    this.#signature = signature;
    this.#onRejected = onRejected ?? (() => undefined);
    const common: RedisOptions = {
      // Reconnect forever, at most every 2 s: the service recovers on its own when Redis returns.
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
      connectTimeout: 5000,
    };
    // Commands fail at once while disconnected: a webhook must get its 5xx now, not wait in a queue.
    this.#commands = new Redis(url, { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 0 }) as AppendingRedis;
    this.#commands.defineCommand('appendGroupEvent', { numberOfKeys: 2, lua: APPEND_SCRIPT });
    this.#subscriber = new Redis(url, { ...common, maxRetriesPerRequest: null });
    this.pubsub = createPubSub({
      eventTarget: createRedisEventTarget({
        publishClient: this.#commands,
        subscribeClient: this.#subscriber,
        // Parsed inside ioredis's data handler, where a throw would crash the process (test/events/hostile-redis.test.ts).
        serializer: { stringify: JSON.stringify, parse: parseLeniently },
      }),
    });

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

  async append(data: GroupEventData, dedupeKey: string, dedupeSeconds: number): Promise<GroupEvent | 'duplicate'> {
    const json = JSON.stringify(data);
    let id: string | null;
    try {
      id = await this.#commands.appendGroupEvent(SEEN_PREFIX + dedupeKey, STREAM_KEY, dedupeSeconds, this.#retention, json, GROUP_EVENTS_TOPIC, this.#signature.sign(json));
    } catch (error) {
      throw new EventStoreUnavailable(`Redis: ${error instanceof Error ? error.message : String(error)}`);
    }
    return id === null ? 'duplicate' : { eventId: id, ...data };
  }

  async readAfter(after: string, limit: number): Promise<EventPage> {
    let entries: [string, string[]][];
    try {
      entries = await this.#commands.xrange(STREAM_KEY, `(${after}`, '+', 'COUNT', limit);
    } catch (error) {
      throw new EventStoreUnavailable(`Redis: ${error instanceof Error ? error.message : String(error)}`);
    }
    const events: GroupEvent[] = [];
    for (const [eventId, fields] of entries) {
      const event = this.#verified(fields);
      if (event) events.push({ eventId, ...event });
      else this.#onRejected('stream');
    }
    return { events, last: entries.at(-1)?.[0], full: entries.length === limit };
  }

  async lastEventId(): Promise<string> {
    try {
      const [newest] = await this.#commands.xrevrange(STREAM_KEY, '+', '-', 'COUNT', 1);
      return newest?.[0] ?? '0-0';
    } catch (error) {
      throw new EventStoreUnavailable(`Redis: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  onGap(listener: () => void): void {
    this.#gapListeners.push(listener);
  }

  unavailableDependency(): string | undefined {
    // Not ready until Redis has answered once; a later outage shows as 5xx on webhooks instead,
    // so that reads keep being served (every replica is in the same state then).
    if (!this.#reachedOnce) return 'redis';
    // Redis answers but this replica's listener connection is away (killed, refused): live events
    // reach the other replicas, not this one's subscribers, until it is back (ioredis reconnects and
    // resubscribes by itself, then the gap is read from the stream).
    return this.#subscriber.status !== 'ready' && this.#commands.status === 'ready' ? 'events' : undefined;
  }

  async close(): Promise<void> {
    this.#subscriber.disconnect();
    this.#commands.disconnect();
  }

  /** A stream entry's event: its fields are `event <json> mac <mac>`, the MAC ours over that JSON. */
  #verified(fields: string[]): GroupEventData | undefined {
    const json = valueOf(fields, 'event');
    if (json === undefined || !this.#signature.verify(json, valueOf(fields, 'mac'))) return undefined;
    return parseGroupEventData(json);
  }
}

function valueOf(fields: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

function parseLeniently(message: string): unknown {
  try {
    return JSON.parse(message);
  } catch {
    return UNREADABLE_MESSAGE;
  }
}
