import { createPubSub } from 'graphql-yoga';
import { GROUP_EVENTS_TOPIC, type EventPage, type EventStore, type GroupEventsPubSub } from './event-store.js';
import { compareEventIds, type GroupEvent, type GroupEventData } from './group-event.js';

/**
 * Events of one process (no REDIS_URL): the last `retention` in a ring buffer, ids
 * `<milliseconds>-<sequence>` like a Redis stream's, published through Yoga's in-process pub/sub.
 * Dedupe keys are kept until they expire, at most `dedupeMaxKeys` of them (the oldest go first).
 */
export class MemoryEventStore implements EventStore {
  readonly pubsub: GroupEventsPubSub = createPubSub();
  readonly #events: GroupEvent[] = [];
  /** dedupe key → expiry (ms), in insertion order (nearly expiry order: only items stamped in the future live longer). */
  readonly #seen = new Map<string, number>();
  #lastMs = 0;
  #sequence = 0;

  constructor(
    private readonly retention: number,
    private readonly dedupeMaxKeys: number,
  ) {}

  async append(data: GroupEventData, dedupeKey: string, dedupeSeconds: number): Promise<GroupEvent | 'duplicate'> {
    const now = Date.now();
    this.#forgetExpired(now);
    if (this.#seen.has(dedupeKey)) return 'duplicate';
    this.#seen.set(dedupeKey, now + dedupeSeconds * 1000);
    while (this.#seen.size > this.dedupeMaxKeys) this.#seen.delete(this.#seen.keys().next().value!);
    const event: GroupEvent = { eventId: this.#nextId(now), ...data };
    this.#events.push(event);
    // Trim in steps rather than one shift per event.
    if (this.#events.length > this.retention + 1024) this.#events.splice(0, this.#events.length - this.retention);
    this.pubsub.publish(GROUP_EVENTS_TOPIC, { eventId: event.eventId });
    return event;
  }

  async readAfter(after: string, limit: number): Promise<EventPage> {
    const retained = this.#events.slice(-this.retention);
    let low = 0;
    let high = retained.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareEventIds(retained[middle]!.eventId, after) <= 0) low = middle + 1;
      else high = middle;
    }
    const events = retained.slice(low, low + limit);
    return { events, last: events.at(-1)?.eventId, full: events.length === limit };
  }

  async lastEventId(): Promise<string> {
    return this.#events.at(-1)?.eventId ?? '0-0';
  }

  onGap(): void {
    // One process: live delivery cannot miss anything.
  }

  unavailableDependency(): string | undefined {
    return undefined;
  }

  async close(): Promise<void> {
    this.#seen.clear();
  }

  #nextId(now: number): string {
    if (now > this.#lastMs) {
      this.#lastMs = now;
      this.#sequence = 0;
    } else {
      this.#sequence++;
    }
    return `${this.#lastMs}-${this.#sequence}`;
  }

  #forgetExpired(now: number): void {
    for (const [key, expiry] of this.#seen) {
      if (expiry > now) break;
      this.#seen.delete(key);
    }
  }
}
