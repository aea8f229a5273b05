import { GatewayError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import { GROUP_EVENTS_TOPIC, type EventStore } from './event-store.js';
import { compareEventIds, isEventId, type GroupEvent } from './group-event.js';

/** Events read from the store per round trip when replaying. */
const REPLAY_PAGE = 500;

export interface SubscribeOptions {
  /** Resume point: replay what came after it, then continue live. */
  after?: string | undefined;
  /** Cheap, synchronous filter applied as events arrive (the subscription's arguments). */
  matches(event: GroupEvent): boolean;
  /** Asynchronous check right before delivery (may this caller see it?). */
  allowed(event: GroupEvent): Promise<boolean>;
  /** Events that may wait for this subscriber; one more and it is disconnected. */
  bufferSize: number;
}

/** How long the live listener waits before it listens or reads again after a failure. */
const RETRY_MS = 1000;

/**
 * One listener per process on the store's pub/sub, fanned out to this process's subscribers, each
 * with its own bounded queue: a subscriber that stops reading fills only its own queue and is then
 * ended with SLOW_SUBSCRIBER, while the others keep receiving.
 *
 * A published message is only a notice: the hub then reads the store after the last event it
 * delivered, so that only stored, checked events reach subscribers, in id order, and a message that
 * names no event, a made-up one or one from the future changes nothing. Whatever fails (the
 * listener, a read) is retried by itself every second; `listening` is false meanwhile (`/ready`).
 */
export class EventHub {
  readonly #queues = new Set<SubscriberQueue>();
  #messages: AsyncIterator<unknown> | undefined;
  /** The last event delivered live; undefined until the store has told its newest id. */
  #cursor: string | undefined;
  #listenerDown = false;
  #readFailing = false;
  #closed = false;
  #retry: NodeJS.Timeout | undefined;
  /** The read in progress, and the one queued after it (every notice meanwhile shares that one). */
  #reading: Promise<void> = Promise.resolve();
  #queued: Promise<void> | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly logger: Logger,
    private readonly metrics?: GatewayMetrics,
  ) {
    void this.#listen();
    void this.#pull();
    store.onGap(() => void this.#pull());
  }

  subscribe(options: SubscribeOptions): AsyncGenerator<GroupEvent> {
    // Leaves the fan-out as soon as it ends (even while its consumer is stalled and never resumes).
    const queue = new SubscriberQueue(options.matches, options.bufferSize, () => this.#leave(queue));
    // Registered before the replay is read: whatever is published meanwhile is queued, not lost.
    this.#queues.add(queue);
    this.metrics?.subscriberConnected();
    return returningAtOnce(this.#deliver(queue, options), () => queue.end());
  }

  /** Subscriptions open in this process. */
  get size(): number {
    return this.#queues.size;
  }

  /** Whether live events reach this process's subscribers now (false while the listener or its reads are being retried). */
  get listening(): boolean {
    return this.#cursor !== undefined && !this.#listenerDown && !this.#readFailing;
  }

  /** Ends every subscription: clients see completion (and may resume elsewhere with `after`). */
  endAll(): void {
    for (const queue of this.#queues) queue.end();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    this.endAll();
    await this.#messages?.return?.();
  }

  async *#deliver(queue: SubscriberQueue, { after, allowed }: SubscribeOptions): AsyncGenerator<GroupEvent> {
    let last = after;
    try {
      if (after !== undefined) {
        for (;;) {
          const page = await this.store.readAfter(last!, REPLAY_PAGE);
          for (const event of page.events) {
            if (queue.matches(event) && (await allowed(event))) yield event;
          }
          if (page.last !== undefined) last = page.last;
          if (!page.full) break;
        }
      }
      for (;;) {
        const event = await queue.next();
        if (event === undefined) return;
        // Live events the replay already gave (published after we registered) are skipped.
        if (last !== undefined && compareEventIds(event.eventId, last) <= 0) continue;
        last = event.eventId;
        if (await allowed(event)) yield event;
      }
    } finally {
      queue.end();
    }
  }

  /** Once per subscriber, however it ended (completed, client gone, too slow, shutdown). */
  #leave(queue: SubscriberQueue): void {
    if (this.#queues.delete(queue)) this.metrics?.subscriberDisconnected();
  }

  /** Listens on the topic for good: if the listener ever ends or fails, it starts again a second later. */
  async #listen(): Promise<void> {
    while (!this.#closed) {
      const messages = this.store.pubsub.subscribe(GROUP_EVENTS_TOPIC)[Symbol.asyncIterator]();
      this.#messages = messages;
      try {
        for (;;) {
          const { value, done } = await messages.next();
          if (done) break;
          this.#notice(value);
        }
      } catch (error) {
        this.logger.error({ err: { message: error instanceof Error ? error.message : String(error) } }, 'events: live listener failed; restarting it');
      }
      if (this.#closed) return;
      this.#listenerDown = true;
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS).unref());
      this.#listenerDown = false;
      // Whatever was published while it was down.
      void this.#pull();
    }
  }

  /** A message on the topic: a notice to read the store, if it looks like one. */
  #notice(message: unknown): void {
    const eventId = (message as { eventId?: unknown } | null)?.eventId;
    if (typeof message !== 'object' || typeof eventId !== 'string' || !isEventId(eventId)) {
      this.metrics?.redisMessageRejected('pubsub');
      return;
    }
    void this.#pull().then(() => {
      // Announced, but not in the store after reading it: made up (or forged), so not delivered.
      if (!this.#readFailing && this.#cursor !== undefined && compareEventIds(eventId, this.#cursor) > 0) this.metrics?.redisMessageRejected('pubsub');
    });
  }

  /** Reads the store after the cursor, one read at a time. Never rejects. */
  #pull(): Promise<void> {
    if (this.#queued) return this.#queued;
    const next = this.#reading.then(() => {
      this.#queued = undefined;
      return this.#readNew();
    });
    this.#queued = next;
    this.#reading = next;
    return next;
  }

  async #readNew(): Promise<void> {
    if (this.#closed) return;
    try {
      // First read: live delivery starts after what is already stored.
      this.#cursor ??= await this.store.lastEventId();
      for (;;) {
        const page = await this.store.readAfter(this.#cursor, REPLAY_PAGE);
        for (const event of page.events) this.#dispatch(event);
        // Past entries that failed their checks too, or they would be read again forever.
        if (page.last !== undefined && compareEventIds(page.last, this.#cursor) > 0) this.#cursor = page.last;
        if (!page.full) break;
      }
      if (this.#readFailing) this.logger.info('events: live delivery reads the store again');
      this.#readFailing = false;
    } catch (error) {
      // Before the first read succeeded (Redis not reached yet at start-up) this is expected: debug only.
      const level = this.#readFailing || this.#cursor === undefined ? 'debug' : 'warn';
      this.logger[level]({ err: { message: error instanceof Error ? error.message : String(error) } }, 'events: could not read new events; retrying every second');
      this.#readFailing = true;
      clearTimeout(this.#retry);
      this.#retry = setTimeout(() => void this.#pull(), RETRY_MS).unref();
    }
  }

  #dispatch(event: GroupEvent): void {
    if (this.#cursor !== undefined && compareEventIds(event.eventId, this.#cursor) <= 0) return;
    this.#cursor = event.eventId;
    for (const queue of this.#queues) queue.offer(event);
  }
}

/**
 * `return()` on an async generator waits until the generator next yields: one waiting for a quiet
 * group's next event would stay subscribed (fed, counted) long after its client left. The returned
 * generator runs `end` first, which wakes the wait so that the generator returns at once.
 */
export function returningAtOnce<T>(events: AsyncGenerator<T>, end: () => void): AsyncGenerator<T> {
  const returnLater = events.return.bind(events);
  events.return = (value) => {
    end();
    return returnLater(value);
  };
  return events;
}

/** A subscriber's bounded queue of live events. */
class SubscriberQueue {
  readonly #events: GroupEvent[] = [];
  #wake: (() => void) | undefined;
  #ended = false;
  #failure: GatewayError | undefined;

  constructor(
    readonly matches: (event: GroupEvent) => boolean,
    private readonly capacity: number,
    private readonly onEnd: () => void,
  ) {}

  offer(event: GroupEvent): void {
    if (this.#ended || !this.matches(event)) return;
    if (this.#events.length >= this.capacity) {
      // Its queue is dropped at once: a stalled client must not hold memory for everyone's events.
      this.#events.length = 0;
      this.#failure = new GatewayError(
        'SLOW_SUBSCRIBER',
        `More than ${this.capacity} events waited for this subscriber: it was disconnected. Subscribe again with \`after\` set to the last eventId received`,
      );
      this.end();
      return;
    }
    this.#events.push(event);
    this.#wakeUp();
  }

  /** The next event, or undefined once ended; throws the failure that ended it. */
  async next(): Promise<GroupEvent | undefined> {
    for (;;) {
      if (this.#failure) throw this.#failure;
      const event = this.#events.shift();
      if (event) return event;
      if (this.#ended) return undefined;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  end(): void {
    this.#ended = true;
    this.onEnd();
    this.#wakeUp();
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
