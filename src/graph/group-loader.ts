import DataLoader from 'dataloader';
import type { ReadLoader } from './read-loader.js';
import type { GraphGroup, GraphGroupField } from './types.js';

/** One lookup: a group id and the Graph fields this lookup needs. */
export interface GroupKey {
  id: string;
  fields: readonly GraphGroupField[];
}

export type GroupLoader = DataLoader<GroupKey, GraphGroup, string> & {
  /**
   * Drops every cached lookup of this group, whatever fields it selected, and its cached edges, so
   * the next `load` reads it from the Graph API again: called after a write to the group.
   */
  forget(id: string): void;
};

/**
 * Group nodes for one GraphQL request: every lookup made while the operation runs (root fields,
 * aliases, a page's nodes, `_entities`) is merged per id, with the field sets of all its lookups,
 * and handed to the request's read loader, which batches them with the edge reads of the same tick.
 */
export function createGroupLoader(reads: ReadLoader): GroupLoader {
  // Our own cache map: DataLoader's `clear(key)` needs the exact field set, `forget` needs all of them.
  const cache = new Map<string, Promise<GraphGroup>>();
  const loader = new DataLoader<GroupKey, GraphGroup, string>(
    async (keys) => {
      const ids = [...new Set(keys.map((key) => key.id))];
      const fields = [...new Set(keys.flatMap((key) => key.fields))].sort().join(',');
      const results = new Map(
        await Promise.all(
          ids.map(async (id) => [id, await reads.load({ id, params: fields ? { fields } : {} }).catch((error: unknown) => error as Error)] as const),
        ),
      );
      return keys.map((key) => (results.get(key.id) as GraphGroup | Error | undefined) ?? new Error(`No result for group ${key.id}`));
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
      reads.forget(id);
    },
  });
}

function cacheKeyOf(key: GroupKey): string {
  return `${key.id}\u0000${fieldListOf(key.fields)}`;
}

/**
 * Field lists come from selections cached per query (schema/graph-fields.ts), so the same array
 * arrives request after request: its sorted form is computed once per array, not once per lookup.
 */
const fieldLists = new WeakMap<readonly GraphGroupField[], string>();

function fieldListOf(fields: readonly GraphGroupField[]): string {
  let list = fieldLists.get(fields);
  if (list === undefined) {
    list = [...fields].sort().join(',');
    fieldLists.set(fields, list);
  }
  return list;
}
