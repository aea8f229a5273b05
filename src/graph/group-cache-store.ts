import { LRUCache } from 'lru-cache';
import { isFresh, type GroupRecord } from './group-record.js';

/**
 * One token's record of one group as read from the store, with the group's generation at that
 * moment: a write back only lands while the generation is still that one, so an upstream answer
 * that was on its way while the group changed (a webhook, a write) is never stored.
 */
export interface CachedSlot {
  record: GroupRecord | undefined;
  generation: string;
}

export interface RecordWrite {
  groupId: string;
  generation: string;
  record: GroupRecord;
}

/** Where group records live: in this process, or in Redis for every replica. */
export interface GroupCacheStore {
  /** This token's records of these groups; undefined when the store cannot be used now (read upstream). */
  read(fingerprint: string, groupIds: readonly string[]): Promise<Map<string, CachedSlot> | undefined>;
  /** Stores records whose group has not changed since they were read; never throws. */
  write(fingerprint: string, writes: readonly RecordWrite[]): Promise<void>;
  /** Drops these groups for every token. Throws when that cannot be done now. */
  invalidate(groupIds: readonly string[]): Promise<void>;
  /** Undefined when usable; else why not (for `/ready` and the metric). */
  unavailableReason(): string | undefined;
  close(): Promise<void>;
}

interface GroupSlots {
  /** Unique in the process: a group dropped and read again gets a new one. */
  generation: string;
  byToken: Map<string, GroupRecord>;
}

/**
 * GROUP_CACHE_MAX_ENTRIES (token, group) records in this process, the least recently used group
 * dropped first. A group's records sit together, so invalidation drops the group for every token
 * at once; a later read starts the group again under a new generation.
 */
export class MemoryGroupCacheStore implements GroupCacheStore {
  #nextGeneration = 0;
  readonly #groups: LRUCache<string, GroupSlots>;

  constructor(
    maxEntries: number,
    private readonly ttlMs: number,
  ) {
    this.#groups = new LRUCache<string, GroupSlots>({ maxSize: maxEntries, sizeCalculation: (slots) => Math.max(1, slots.byToken.size) });
  }

  async read(fingerprint: string, groupIds: readonly string[]): Promise<Map<string, CachedSlot>> {
    const now = Date.now();
    const found = new Map<string, CachedSlot>();
    for (const groupId of groupIds) {
      let slots = this.#groups.get(groupId);
      if (!slots) {
        slots = { generation: String(++this.#nextGeneration), byToken: new Map() };
        this.#groups.set(groupId, slots);
      }
      const record = slots.byToken.get(fingerprint);
      found.set(groupId, { generation: slots.generation, record: record && isFresh(record, this.ttlMs, now) ? record : undefined });
    }
    return found;
  }

  async write(fingerprint: string, writes: readonly RecordWrite[]): Promise<void> {
    for (const { groupId, generation, record } of writes) {
      const slots = this.#groups.peek(groupId);
      if (slots?.generation !== generation) continue;
      slots.byToken.set(fingerprint, record);
      // Set again so the LRU counts the group's records anew.
      this.#groups.set(groupId, slots);
    }
  }

  async invalidate(groupIds: readonly string[]): Promise<void> {
    for (const groupId of groupIds) this.#groups.delete(groupId);
  }

  unavailableReason(): undefined {
    return undefined;
  }

  async close(): Promise<void> {
    this.#groups.clear();
  }
}
