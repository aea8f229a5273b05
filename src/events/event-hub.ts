import { GatewayError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import { GROUP_EVENTS_TOPIC, type EventStore } from './event-store.js';
import { compareEventIds, type GroupEvent } from './group-event.js';

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

/**
 * One listener per process on the store's pub/sub, fanned out to this process's subscribers, each
 * with its own bounded queue: a subscriber that stops reading fills only its own queue and is then
 * ended with SLOW_SUBSCRIBER, while the others keep receiving.
 */
export class EventHub {
  readonly #queues = new Set<SubscriberQueue>();
  readonly #listening: AsyncIterator<GroupEvent>;
  #lastId: string | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly logger: Logger,
    private readonly metrics?: GatewayMetrics,
  ) {
    this.#listening = store.pubsub.subscribe(GROUP_EVENTS_TOPIC)[Symbol.asyncIterator]();
    void this.#listen();
    store.onGap(() => void this.#catchUp());
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

  /** Ends every subscription: clients see completion (and may resume elsewhere with `after`). */
  endAll(): void {
    for (const queue of this.#queues) queue.end();
  }

  async close(): Promise<void> {
    this.endAll();
    await this.#listening.return?.();
  }

  async *#deliver(queue: SubscriberQueue, { after, allowed }: SubscribeOptions): AsyncGenerator<GroupEvent> {
    let last = after;
    try {
      if (after !== undefined) {
        for (;;) {
          const page = await this.store.readAfter(last!, REPLAY_PAGE);
          for (const event of page) {
            last = event.eventId;
            if (queue.matches(event) && (await allowed(event))) yield event;
          }
          if (page.length < REPLAY_PAGE) break;
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

  async #listen(): Promise<void> {
    try {
      for (;;) {
        const { value, done } = await this.#listening.next();
        if (done) return;
        this.#dispatch(value);
      }
    } catch (error) {
      this.logger.error({ err: error }, 'events: live listener failed');
    }
  }

  #dispatch(event: GroupEvent): void {
    // Out of order or already seen (a catch-up after a reconnect overlaps live delivery).
    if (this.#lastId !== undefined && compareEventIds(event.eventId, this.#lastId) <= 0) return;
    this.#lastId = event.eventId;
    for (const queue of this.#queues) queue.offer(event);
  }

  /** After the live connection dropped and came back: what was published meanwhile, from the store. */
  async #catchUp(): Promise<void> {
    try {
      for (;;) {
        if (this.#lastId === undefined) return;
        const page = await this.store.readAfter(this.#lastId, REPLAY_PAGE);
        for (const event of page) this.#dispatch(event);
        if (page.length < REPLAY_PAGE) return;
      }
    } catch (error) {
      this.logger.warn({ err: { message: error instanceof Error ? error.message : String(error) } }, 'events: catch-up after reconnect failed');
    }
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
