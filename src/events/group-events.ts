import { createHash } from 'node:crypto';
import type { GraphRoute } from '../graph/route.js';
import type { Logger } from '../logger.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { GroupChange } from './group-change.js';
import { EventHub, returningAtOnce } from './event-hub.js';
import { GatewayError } from '../errors.js';
import { EventStoreUnavailable, type EventStore } from './event-store.js';
import { eventFromChange } from './from-webhook.js';
import type { GroupEvent } from './group-event.js';
import { MemoryEventStore } from './memory-event-store.js';
import { ReadAccessCache } from './read-access.js';
import { RedisEventStore } from './redis-event-store.js';
import { MemoryWriteLedger, RedisWriteLedger, writeOf, type WriteLedger } from './write-ledger.js';
import { StoreSignature } from './store-signature.js';
import { ReplicaKey } from '../replica-key.js';

/** Events that may wait for one subscriber before it is disconnected as too slow. */
export const SUBSCRIBER_BUFFER = 1000;
/** WEBHOOK_MAX_AGE_S's default: Meta retries a delivery for up to 7 days, plus a day of margin. */
export const WEBHOOK_MAX_AGE_SECONDS = 8 * 24 * 3600;

export interface GroupEventsOptions {
  /** REDIS_URL; unset: one process. */
  redisUrl: string | undefined;
  /** EVENT_RETENTION. */
  retention: number;
  logger: Logger;
  subscriberBuffer?: number;
  /** Events published and dropped as duplicates, subscribers, access-cache lookups; undefined with METRICS=false. */
  metrics?: GatewayMetrics | undefined;
  /** The key replicas share: stored events and ledger entries carry MACs under a key derived from it. Default: random (one process). */
  replicaKey?: ReplicaKey | undefined;
  /** WEBHOOK_MAX_AGE_S: older items are dropped; dedupe keys live at least this long. */
  maxAgeSeconds?: number | undefined;
  /** WEBHOOK_DEDUPE_MAX_KEYS: dedupe keys kept in this process without Redis. */
  dedupeMaxKeys?: number | undefined;
  /** MAX_SUBSCRIPTIONS_PER_TOKEN: subscriptions one token may have open in this process (SSE and WebSocket). */
  maxSubscriptionsPerToken?: number;
  /** EVENT_ACCESS_CHECKS_PER_SECOND: upstream access checks one token may cause per second. */
  accessChecksPerSecond?: number;
}

/** Who subscribes: their token's fingerprint, and how to read a group with their token. */
export interface Subscriber {
  fingerprint: string;
  readGroup(groupId: string): Promise<unknown>;
}

export interface GroupEventFilter {
  phoneNumberId?: string | null | undefined;
  groupId?: string | null | undefined;
  requestId?: string | null | undefined;
  after?: string | null | undefined;
}

/**
 * Group events for the whole gateway: webhooks come in through `receive`, subscriptions go out
 * through `subscribe`, each subscriber seeing only the events of groups its token can read or of
 * writes it made.
 */
export class GroupEvents {
  readonly #store: EventStore;
  readonly #hub: EventHub;
  readonly #ledger: WriteLedger;
  readonly #access: ReadAccessCache;
  readonly #bufferSize: number;
  readonly #metrics: GatewayMetrics | undefined;
  readonly #maxAgeSeconds: number;
  readonly #maxPerToken: number;
  /** Open subscriptions per token fingerprint. */
  readonly #perToken = new Map<string, number>();

  constructor({
    redisUrl,
    retention,
    logger,
    subscriberBuffer = SUBSCRIBER_BUFFER,
    metrics,
    maxSubscriptionsPerToken = 100,
    accessChecksPerSecond,
    replicaKey = new ReplicaKey({}),
    maxAgeSeconds = WEBHOOK_MAX_AGE_SECONDS,
    dedupeMaxKeys = 100_000,
  }: GroupEventsOptions) {
    if (redisUrl) {
      const signature = new StoreSignature(replicaKey.keyFor('event-mac'));
      const store = new RedisEventStore({ url: redisUrl, retention, logger, signature, onRejected: (source) => metrics?.redisMessageRejected(source) });
      this.#store = store;
      this.#ledger = new RedisWriteLedger(store.redis, signature, logger, () => metrics?.redisMessageRejected('ledger'));
      logger.info({ key: replicaKey.source }, 'events: stored events, ledger entries and token fingerprints are keyed from this secret');
    } else {
      this.#store = new MemoryEventStore(retention, dedupeMaxKeys);
      this.#ledger = new MemoryWriteLedger();
    }
    this.#maxAgeSeconds = maxAgeSeconds;
    this.#hub = new EventHub(this.#store, logger, metrics);
    this.#access = new ReadAccessCache(metrics, accessChecksPerSecond);
    this.#bufferSize = subscriberBuffer;
    this.#metrics = metrics;
    this.#maxPerToken = maxSubscriptionsPerToken;
  }

  /**
   * The one place where a verified webhook's group changes become events: each is stored and
   * published in order; a change already taken (here or on another replica) is skipped, and so is
   * one stamped more than WEBHOOK_MAX_AGE_S ago (a replay: Meta's own retries stop after 7 days).
   * Its dedupe key lives WEBHOOK_MAX_AGE_S (longer for an item stamped ahead of this clock), so
   * whenever the same change comes again it is either still known or already too old.
   * Throws EventStoreUnavailable when one cannot be stored: the webhook then answers 5xx and Meta
   * sends it again (those already stored are recognised as repeats).
   */
  async receive(changes: readonly GroupChange[], now = Date.now()): Promise<{ published: GroupEvent[]; duplicates: number; tooOld: number }> {
    const published: GroupEvent[] = [];
    let duplicates = 0;
    let tooOld = 0;
    for (const change of changes) {
      const event = eventFromChange(change);
      if (!event) continue;
      // ASSUMPTION: every group item carries `timestamp` (Meta's samples and the sandbox do); one
      // without cannot be judged by age and relies on its dedupe key alone.
      const ageSeconds = event.occurredAt === undefined ? 0 : (now - Date.parse(event.occurredAt)) / 1000;
      if (ageSeconds > this.#maxAgeSeconds) {
        tooOld++;
        this.#metrics?.eventTooOld(change.field);
        continue;
      }
      // Stamped ahead of this clock (skew): its key lives as much longer, up to twice the window.
      const dedupeSeconds = this.#maxAgeSeconds + Math.ceil(Math.min(this.#maxAgeSeconds, Math.max(0, -ageSeconds)));
      const outcome = await this.#store.append(event, dedupeKeyOf(change), dedupeSeconds);
      if (outcome === 'duplicate') {
        duplicates++;
        this.#metrics?.eventDuplicate(change.field);
      } else {
        published.push(outcome);
        this.#metrics?.eventPublished(change.field);
      }
    }
    return { published, duplicates, tooOld };
  }

  /** Called with every accepted write a caller made (see GraphCredentials.onWrite). */
  recordWrite(fingerprint: string, { route, answer }: { route: GraphRoute; answer: unknown }): void {
    this.#ledger.record(fingerprint, writeOf(route, answer));
  }

  /**
   * The subscriber's events. When the subscription fails (too slow, the store unreachable during a
   * replay, its token refused upstream), the last item is a SubscriptionFailure: the resolver turns
   * it into that result's error, so both transports show it as a GraphQL error before completing.
   * Throws at once (nothing upstream) when the token was refused within the last minute or already
   * has MAX_SUBSCRIPTIONS_PER_TOKEN subscriptions open here.
   */
  subscribe(subscriber: Subscriber, filter: GroupEventFilter): AsyncGenerator<GroupEvent | SubscriptionFailure> {
    this.#access.assertTokenNotRefused(subscriber.fingerprint);
    const open = this.#perToken.get(subscriber.fingerprint) ?? 0;
    if (open >= this.#maxPerToken) {
      throw new GatewayError('RATE_LIMITED', `This token already has ${this.#maxPerToken} subscriptions open (MAX_SUBSCRIPTIONS_PER_TOKEN); end one first`);
    }
    this.#perToken.set(subscriber.fingerprint, open + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const left = (this.#perToken.get(subscriber.fingerprint) ?? 1) - 1;
      if (left > 0) this.#perToken.set(subscriber.fingerprint, left);
      else this.#perToken.delete(subscriber.fingerprint);
    };
    const delivery = this.#hub.subscribe({
      after: filter.after ?? undefined,
      bufferSize: this.#bufferSize,
      matches: (event) =>
        (!filter.phoneNumberId || event.phoneNumberId === filter.phoneNumberId) &&
        (!filter.groupId || event.groupId === filter.groupId) &&
        (!filter.requestId || event.requestId === filter.requestId),
      allowed: (event) => this.#allowed(subscriber, event),
    });
    // The client left: end the delivery now, not when the next event would have reached it.
    return returningAtOnce(endingWithFailure(delivery, release), () => {
      release();
      void delivery.return(undefined).catch(() => undefined);
    });
  }

  /** Subscriptions open in this process (for metrics and tests). */
  get subscriberCount(): number {
    return this.#hub.size;
  }

  /** Undefined when ready; else which dependency is not (for `/ready`): `redis`, or `events` while live delivery is being restarted. */
  unavailableDependency(): string | undefined {
    return this.#store.unavailableDependency() ?? (this.#hub.listening ? undefined : 'events');
  }

  /** Completes every subscription (shutdown). */
  endSubscriptions(): void {
    this.#hub.endAll();
  }

  async close(): Promise<void> {
    await this.#hub.close();
    await this.#store.close();
  }

  async #allowed(subscriber: Subscriber, event: GroupEvent): Promise<boolean> {
    // Read access first: it is cached in this process; the ledger (a Redis round trip) only when it says no.
    const groupId = event.groupId;
    if (groupId !== undefined && (await this.#access.canRead(subscriber.fingerprint, groupId, () => subscriber.readGroup(groupId)))) return true;
    return this.#ledger.knows(subscriber.fingerprint, { requestId: event.requestId, groupId });
  }
}

/** How a subscription that could not go on ends: its last item. */
export class SubscriptionFailure {
  constructor(readonly error: GatewayError) {}
}

async function* endingWithFailure(events: AsyncGenerator<GroupEvent>, onEnd: () => void): AsyncGenerator<GroupEvent | SubscriptionFailure> {
  try {
    yield* events;
  } catch (error) {
    if (error instanceof GatewayError) yield new SubscriptionFailure(error);
    else if (error instanceof EventStoreUnavailable) {
      yield new SubscriptionFailure(new GatewayError('UPSTREAM_ERROR', 'Past events cannot be read right now (the event store is unreachable); retry with the same `after`'));
    } else throw error;
  } finally {
    onEnd();
  }
}

/** The same change is the same field, phone number and item, whichever replica it reaches. */
function dedupeKeyOf({ field, phoneNumberId, item }: GroupChange): string {
  return createHash('sha256').update(`${field}\n${phoneNumberId}\n${JSON.stringify(item)}`).digest('base64url');
}
