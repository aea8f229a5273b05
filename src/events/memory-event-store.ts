import { createPubSub } from 'graphql-yoga';
import { DEDUPE_SECONDS, GROUP_EVENTS_TOPIC, type EventStore, type GroupEventsPubSub } from './event-store.js';
import { compareEventIds, type GroupEvent, type GroupEventData } from './group-event.js';

/**
 * Events of one process (no REDIS_URL): the last `retention` in a ring buffer, ids
 * `<milliseconds>-<sequence>` like a Redis stream's, published through Yoga's in-process pub/sub.
 */
export class MemoryEventStore implements EventStore {
  readonly pubsub: GroupEventsPubSub = createPubSub();
  readonly #events: GroupEvent[] = [];
  /** dedupe key → expiry (ms); insertion order is expiry order, so the oldest are first. */
  readonly #seen = new Map<string, number>();
  #lastMs = 0;
  #sequence = 0;

  constructor(private readonly retention: number) {}

  async append(data: GroupEventData, dedupeKey: string): Promise<GroupEvent | 'duplicate'> {
    const now = Date.now();
    this.#forgetExpired(now);
    if (this.#seen.has(dedupeKey)) return 'duplicate';
    this.#seen.set(dedupeKey, now + DEDUPE_SECONDS * 1000);
    const event: GroupEvent = { eventId: this.#nextId(now), ...data };
    this.#events.push(event);
    // Trim in steps rather than one shift per event.
    if (this.#events.length > this.retention + 1024) this.#events.splice(0, this.#events.length - this.retention);
    this.pubsub.publish(GROUP_EVENTS_TOPIC, event);
    return event;
  }

  async readAfter(after: string, limit: number): Promise<GroupEvent[]> {
    const retained = this.#events.slice(-this.retention);
    let low = 0;
    let high = retained.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareEventIds(retained[middle]!.eventId, after) <= 0) low = middle + 1;
      else high = middle;
    }
    return retained.slice(low, low + limit);
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
