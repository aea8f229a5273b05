import { LRUCache } from 'lru-cache';

/**
 * Heap bytes a parsed document takes per character of its source, measured on this stack (graphql 16,
 * locations kept, as Yoga parses): ~100 for a query made of fields and arguments, ~1 for one made of
 * a comment or a string literal. Every entry is charged the dense figure, so the bound holds
 * whatever the documents are made of; the cost is only that fewer huge documents stay cached.
 */
const HEAP_BYTES_PER_QUERY_CHAR = 100;
/** Fixed cost of an entry (the cache's own bookkeeping, a small error object). */
const ENTRY_OVERHEAD_BYTES = 1024;

export interface DocumentCacheOptions {
  /** Estimated heap the cache may hold. Default 64 MiB. */
  maxBytes?: number;
}

/**
 * A cache for Yoga's `parserAndValidationCache` (parsed documents or parse errors, keyed by the query
 * text) bounded in bytes rather than in entries: Yoga's default keeps 1024 entries whatever their
 * size, so 1024 large documents could hold gigabytes. Yoga's validation cache is keyed by the
 * document object (a WeakMap), so it shrinks with this one.
 */
export function createDocumentCache<T extends object>({ maxBytes = 64 * 1024 * 1024 }: DocumentCacheOptions = {}): LRUCache<string, T> {
  return new LRUCache<string, T>({
    maxSize: maxBytes,
    sizeCalculation: (_value, query) => estimatedDocumentBytes(query),
    // Yoga's default: entries expire after an hour.
    ttl: 3_600_000,
  });
}

export function estimatedDocumentBytes(query: string): number {
  return query.length * HEAP_BYTES_PER_QUERY_CHAR + ENTRY_OVERHEAD_BYTES;
}
