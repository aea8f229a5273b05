import type { PubSub } from 'graphql-yoga';
import type { GroupEvent, GroupEventData } from './group-event.js';

/** The pub/sub topic every replica listens on (one per process, fanned out locally). */
export const GROUP_EVENTS_TOPIC = 'whatsapp:group-events';

export type GroupEventsPubSub = PubSub<{ [GROUP_EVENTS_TOPIC]: [GroupEvent] }>;

/** Why an event could not be stored: the webhook is answered 5xx so that Meta sends it again. */
export class EventStoreUnavailable extends Error {
  override name = 'EventStoreUnavailable';
}

/**
 * Where events are kept and published: in this process (a ring buffer) or in Redis (a stream),
 * the same contract either way.
 */
export interface EventStore {
  /** Live events, in id order, as `pubsub.subscribe(GROUP_EVENTS_TOPIC)`. */
  readonly pubsub: GroupEventsPubSub;
  /**
   * Stores and publishes one event, unless the same change (`dedupeKey`) was stored in the last
   * DEDUPE_SECONDS, on any replica: then 'duplicate'. Throws EventStoreUnavailable when it cannot.
   */
  append(event: GroupEventData, dedupeKey: string): Promise<GroupEvent | 'duplicate'>;
  /** Up to `limit` retained events after `after`, oldest first. */
  readAfter(after: string, limit: number): Promise<GroupEvent[]>;
  /** Registers what to call when live events may have been missed (the subscription connection came back). */
  onGap(listener: () => void): void;
  /** Undefined when ready, else the dependency that is not (never a URL). */
  unavailableDependency(): string | undefined;
  close(): Promise<void>;
}

/** How long the same change is recognised as a repeat (Meta retries at least once, maybe elsewhere). */
export const DEDUPE_SECONDS = 600;
