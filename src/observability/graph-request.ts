/**
 * What kind of Graph API request an upstream call is, told from its method, path and query alone,
 * so metrics and traces need nothing from the readers and writers that build the calls.
 */
export const GRAPH_REQUEST_KINDS = ['node', 'batch', 'ids', 'edge', 'list', 'write'] as const;
export type GraphRequestKind = (typeof GRAPH_REQUEST_KINDS)[number];

/**
 * - `batch`: `POST /` with a `batch` parameter (several reads in one request)
 * - `ids`: `GET /?ids=a,b` (multi-id read)
 * - `node`: `GET /{id}`
 * - `list`: `GET /{phone-number-id}/groups`
 * - `edge`: `GET /{id}/{edge}`
 * - `write`: everything else (POST and DELETE on a node or an edge)
 *
 * `path` is below the version prefix (`/`, `/<id>`, `/<id>/<edge>`).
 */
export function graphRequestKind(method: string, path: string, has: (param: string) => boolean): GraphRequestKind {
  const segments = path.split('/').filter(Boolean);
  if (segments.length === 0) {
    if (method === 'POST' && has('batch')) return 'batch';
    if (method === 'GET' && has('ids')) return 'ids';
  }
  if (method !== 'GET') return 'write';
  if (segments.length === 1) return 'node';
  if (segments.length === 2) return segments[1] === 'groups' ? 'list' : 'edge';
  return 'write';
}

/** Edge names are the gateway's own constants; anything else in that position is shown as `{edge}`. */
const EDGE_NAME = /^[a-z_]{1,40}$/;

/**
 * The route of a request with its ids replaced by placeholders, e.g. `/{v}/{group-id}` or
 * `/{v}/{phone-number-id}/groups`: safe to put in a span name or attribute (no id, no query).
 */
export function graphRouteTemplate(path: string): string {
  const segments = path.split('/').filter(Boolean);
  const route = ['{v}'];
  if (segments.length >= 1) route.push(segments[1] === 'groups' ? '{phone-number-id}' : '{group-id}');
  for (const segment of segments.slice(1)) route.push(EDGE_NAME.test(segment) ? segment : '{edge}');
  return `/${route.join('/')}${segments.length === 0 ? '/' : ''}`;
}
