import DataLoader from 'dataloader';
import type { GraphCredentials } from './client.js';
import type { GroupCache } from './group-cache.js';
import { relativeUrl, type GraphObject, type GraphRead, type GraphReader } from './graph-reader.js';

export type ReadLoader = DataLoader<GraphRead, GraphObject, string> & {
  /** Drops every cached read of this group (its node and its edges): called after a write to it. */
  forget(id: string): void;
};

/**
 * The GETs of one GraphQL request and one caller, coalesced: every node and edge read made while
 * the operation runs goes to the reader together, so 20 `inviteLink`s and a page's group nodes
 * travel in one batch request. A read is identified by its relative URL; the same URL is read once.
 * With the group cache, the batch is answered from it where it can, and the rest goes upstream together.
 */
export function createReadLoader(reader: GraphReader, credentials: GraphCredentials, groupCache?: GroupCache): ReadLoader {
  // Our own cache map: `forget` drops every read of one group, whatever its parameters.
  const cache = new Map<string, Promise<GraphObject>>();
  const loader = new DataLoader<GraphRead, GraphObject, string>((reads) => (groupCache ? groupCache.read(reader, reads, credentials) : reader.read(reads, credentials)), {
    cacheKeyFn: relativeUrl,
    cacheMap: cache,
    // One post-promise job later than DataLoader's default: group loaders dispatch on the default
    // schedule and hand their node reads over first, so nodes and edges wanted at once share one
    // batch request. (A macrotask, setImmediate, did the same but waited for every other request's
    // I/O of that loop turn: +5 ms p50 at 20 ms upstream latency under load.)
    batchScheduleFn: afterLoaderDispatch,
  });
  return Object.assign(loader, {
    forget(id: string): void {
      // Ids are checked (letters, digits, _ - = +), so the encoded id ends at `/` or `?` or the key's end.
      const prefix = encodeURIComponent(id);
      for (const key of [...cache.keys()]) {
        if (key === prefix || key.startsWith(`${prefix}/`) || key.startsWith(`${prefix}?`)) cache.delete(key);
      }
    },
  });
}

const resolved = Promise.resolve();

/**
 * DataLoader's own schedule (a nextTick after the current promise jobs), twice over: it runs after
 * every loader dispatch that was scheduled in the same tick, and after the loads those dispatches make.
 */
function afterLoaderDispatch(dispatch: () => void): void {
  void resolved.then(() => process.nextTick(() => void resolved.then(() => process.nextTick(dispatch))));
}
