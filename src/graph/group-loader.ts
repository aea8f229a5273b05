import DataLoader from 'dataloader';
import type { GraphCredentials } from './client.js';
import type { GroupReader } from './group-reader.js';
import type { GraphGroup, GraphGroupField } from './types.js';

/** One lookup: a group id and the Graph fields this lookup needs. */
export interface GroupKey {
  id: string;
  fields: readonly GraphGroupField[];
}

export type GroupLoader = DataLoader<GroupKey, GraphGroup, string> & {
  /**
   * Drops every cached lookup of this group, whatever fields it selected, so the next `load` reads
   * it from the Graph API again: called after a write to the group.
   */
  forget(id: string): void;
};

/**
 * A loader for one GraphQL request and one caller: every lookup made while the operation runs
 * (root fields, aliases, list items, `_entities`) is coalesced into one read, with the field sets
 * of all lookups merged and each id asked for once.
 */
export function createGroupLoader(reader: GroupReader, credentials: GraphCredentials): GroupLoader {
  // Our own cache map: DataLoader's `clear(key)` needs the exact field set, `forget` needs all of them.
  const cache = new Map<string, Promise<GraphGroup>>();
  const loader = new DataLoader<GroupKey, GraphGroup, string>(
    async (keys) => {
      const ids = [...new Set(keys.map((key) => key.id))];
      const fields = [...new Set(keys.flatMap((key) => key.fields))].sort();
      const results = await reader.read(ids, fields, credentials);
      return keys.map((key) => results.get(key.id) ?? new Error(`No result for group ${key.id}`));
    },
    {
      // Two lookups of one id with different selections must not share a narrower record.
      cacheKeyFn: cacheKeyOf,
      cacheMap: cache,
    },
  );
  return Object.assign(loader, {
    forget(id: string): void {
      // Group ids never contain control characters (assertGroupId), so the prefix is exact.
      const prefix = cacheKeyOf({ id, fields: [] });
      for (const key of [...cache.keys()]) if (key.startsWith(prefix)) cache.delete(key);
    },
  });
}

function cacheKeyOf(key: GroupKey): string {
  return `${key.id}\u0000${[...key.fields].sort().join(',')}`;
}
