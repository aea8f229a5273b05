import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { SubgraphCacheControl } from '../config.js';

export interface CacheControlOptions {
  /** SUBGRAPH_CACHE_CONTROL. */
  mode: SubgraphCacheControl;
  /** The group cache's TTL in seconds (GROUP_CACHE_TTL_MS / 1000, rounded down). */
  maxAgeSeconds: number;
  graphqlEndpoint: string;
}

/**
 * `Cache-Control` on every GraphQL response: its data was read with the caller's token, so no
 * shared cache in front of the gateway may serve it to anyone else. `private, no-store` by default;
 * with SUBGRAPH_CACHE_CONTROL=private-max-age, a query answered without errors says
 * `private, max-age=<TTL>` instead, for routers that keep private entries per caller (Apollo
 * Router's `private_id`). Mutations, errors and subscriptions always say `private, no-store`.
 */
export function useCacheControl({ mode, maxAgeSeconds, graphqlEndpoint }: CacheControlOptions): Plugin {
  const queries = new WeakSet<Request>();
  const failed = new WeakSet<Request>();
  const maxAge = mode === 'private-max-age' && maxAgeSeconds >= 1 ? `private, max-age=${maxAgeSeconds}` : undefined;
  return {
    onExecute({ args }) {
      const request = (args.contextValue as { request?: Request }).request;
      if (maxAge && request && getOperationAST(args.document, args.operationName)?.operation === 'query') queries.add(request);
    },
    onResultProcess({ request, result }) {
      if (Array.isArray(result) || Symbol.asyncIterator in result || (result.errors?.length ?? 0) > 0) failed.add(request);
    },
    onResponse({ request, response }) {
      if (new URL(request.url, 'http://gateway.invalid').pathname !== graphqlEndpoint) return;
      const cacheable = maxAge !== undefined && response.status === 200 && queries.has(request) && !failed.has(request);
      response.headers.set('cache-control', cacheable ? maxAge : 'private, no-store');
    },
  };
}
