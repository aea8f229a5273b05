import type { GraphRoute, GraphRouteKind } from '../graph/route.js';

/**
 * The metric and span label of an upstream request: its shape, from the route its caller gave
 * (graph/route.ts), never from the URL. A fixed set, so label cardinality stays bounded.
 */
export const GRAPH_REQUEST_KINDS = ['node', 'batch', 'ids', 'edge', 'list', 'write', 'messages', 'media'] as const;
export type GraphRequestKind = (typeof GRAPH_REQUEST_KINDS)[number];

/**
 * - `batch`: `POST /` with a `batch` parameter (several reads in one request)
 * - `ids`: `GET /?ids=a,b` (multi-id read)
 * - `node`: `GET /{group-id}`
 * - `edge`: `GET /{group-id}/{edge}`
 * - `list`: `GET /{phone-number-id}/groups`
 * - `messages`: `POST /{phone-number-id}/messages`
 * - `media`: `POST /{phone-number-id}/media` (an upload a message then names)
 * - `write`: the other writes (POST and DELETE on a group or an edge, a creation)
 *
 * A Record over every route kind: a new route kind does not compile until it has its label.
 */
const REQUEST_KIND: Record<GraphRouteKind, GraphRequestKind> = {
  'group.read': 'node',
  'invite_link.read': 'edge',
  'join_requests.read': 'edge',
  'groups.batch': 'batch',
  'groups.ids': 'ids',
  'groups.list': 'list',
  'group.create': 'write',
  'group.update': 'write',
  'group.picture': 'write',
  'group.delete': 'write',
  'invite_link.reset': 'write',
  'participants.remove': 'write',
  'join_requests.approve': 'write',
  'join_requests.reject': 'write',
  'messages.send': 'messages',
  'media.upload': 'media',
};

export function graphRequestKind(route: GraphRoute): GraphRequestKind {
  return REQUEST_KIND[route.kind];
}

/** The route as a span shows it, e.g. `/{v}/{group-id}` or `/{v}/`: no id, no query. */
export function graphRouteTemplate(route: GraphRoute): string {
  return `/{v}${route.template}`;
}

/** The groups a request is about: each slot's of a batched read, else the route's own. */
export function graphRouteGroupIds(route: GraphRoute): string[] {
  const routes = route.slots ?? [route];
  return routes.flatMap((r) => (r.groupId === undefined ? [] : [r.groupId]));
}
