import type { PubSub } from 'graphql-yoga';
import type { GroupEvent, GroupEventData } from './group-event.js';

/** The pub/sub topic every replica listens on (one per process, fanned out locally). */
export const GROUP_EVENTS_TOPIC = 'whatsapp:group-events';

/**
 * What arrives on the topic. Only a notice that the store has news: whatever it says, what is
 * delivered is read back from the store (whoever can PUBLISH on Redis cannot make up an event).
 */
export type GroupEventsPubSub = PubSub<{ [GROUP_EVENTS_TOPIC]: [unknown] }>;

/** Why an event could not be stored: the webhook is answered 5xx so that Meta sends it again. */
export class EventStoreUnavailable extends Error {
  override name = 'EventStoreUnavailable';
}

/** Stored events read in one round trip. */
export interface EventPage {
  /** The events that passed every check, oldest first. */
  events: GroupEvent[];
  /** The id of the last entry read, valid or not: where the next page starts. Undefined when nothing was read. */
  last: string | undefined;
  /** Whether `limit` entries were read: there may be more. */
  full: boolean;
}

/**
 * Where events are kept and published: in this process (a ring buffer) or in Redis (a stream),
 * the same contract either way.
 */
export interface EventStore {
  /** Notices of new events, on `GROUP_EVENTS_TOPIC`. */
  readonly pubsub: GroupEventsPubSub;
  /**
   * Stores and publishes one event, unless the same change (`dedupeKey`) was stored in the last
   * `dedupeSeconds`, on any replica: then 'duplicate'. Throws EventStoreUnavailable when it cannot.
   */
  append(event: GroupEventData, dedupeKey: string, dedupeSeconds: number): Promise<GroupEvent | 'duplicate'>;
  /** Up to `limit` retained entries after `after`, oldest first; entries that fail a check are skipped (and counted). */
  readAfter(after: string, limit: number): Promise<EventPage>;
  /** The id of the newest stored event, or `0-0` when there is none. */
  lastEventId(): Promise<string>;
  /** Registers what to call when live events may have been missed (the subscription connection came back). */
  onGap(listener: () => void): void;
  /** Undefined when ready, else the dependency that is not (never a URL). */
  unavailableDependency(): string | undefined;
  close(): Promise<void>;
}
