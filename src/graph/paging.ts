import { GatewayError } from '../errors.js';
import { UpstreamError } from './errors.js';

/**
 * Per-edge cursors over Graph's per-page cursors.
 *
 * Graph pages a list edge with two cursors per page (Meta, "Using the Graph API", cursor-based
 * pagination): `paging.cursors.before` marks the page's first item, `after` its last, and
 * `paging.next`/`previous` are present when there is more in that direction. GraphQL connections
 * want a cursor on every edge. An edge cursor here is opaque base64url JSON holding the two cursors
 * of the Graph page the edge came from and the edge's position in it, counted from each end:
 *
 * - `after: <edge cursor>`: for the page's last edge (every `endCursor`), Graph's own `after` with
 *   `limit = first`: exactly Graph's paging, one request per page. For an edge k items after the
 *   page's first, Graph's `before` cursor read forwards (`after=<before>`, items after the first)
 *   with `limit = k + first`, and the k items up to the edge dropped.
 * - `before: <edge cursor>`: the mirror image: the page's first edge (every `startCursor`) uses
 *   Graph's `before` as is; an edge k items before the last uses `before=<after>`, `limit = k + last`,
 *   and drops the k items from the edge on.
 *
 * Cursors carry no token, group data or phone number id; Graph checks its own cursors and answers
 * 131059 (Invalid cursor) for a bad one. Like Graph's cursors, they are for paging now, not for
 * storing (Graph's cursors may expire).
 */

/** Graph's bounds on `limit` for group lists (default 25, at most 1024). */
export const MAX_PAGE_SIZE = 1024;
export const DEFAULT_PAGE_SIZE = 25;
/** A Graph cursor is a few dozen characters; this bounds what the gateway decodes. */
const MAX_CURSOR_LENGTH = 4096;

/** What the caller asked for, GraphQL-style. */
export interface PageArgs {
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
}

/** One Graph list request (`limit` plus at most one cursor) and what to drop from its answer. */
export interface PageRequest {
  params: Record<string, string>;
  dropFront: number;
  dropBack: number;
}

/** Graph's `paging` object, read. */
export interface GraphPaging {
  before: string | undefined;
  after: string | undefined;
  hasNext: boolean;
  hasPrevious: boolean;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
}

interface EdgeCursor {
  /** Graph's `before` and `after` cursors of the page the edge came from. */
  b: string;
  a: string;
  /** Items between the page's first item and this edge, and between this edge and the last. */
  i: number;
  j: number;
}

/** Checks the arguments (BAD_USER_INPUT before any upstream call) and turns them into a Graph request. */
export function pageRequest(args: PageArgs, what: string): PageRequest {
  const { first, after, last, before } = args;
  const problem = (message: string) => new GatewayError('BAD_USER_INPUT', `Invalid paging of ${what}: ${message}`);
  if (first != null && last != null) throw problem('give `first` (with `after`) or `last` (with `before`), not both');
  if (after != null && before != null) throw problem('give `after` or `before`, not both');
  if (last != null && before == null) throw problem('`last` pages backwards from a cursor: give `before` too');
  if (before != null && first != null) throw problem('`before` goes with `last`, `after` with `first`');
  const size = last ?? first ?? DEFAULT_PAGE_SIZE;
  const name = last != null ? 'last' : 'first';
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) throw problem(`\`${name}\` must be 1 to ${MAX_PAGE_SIZE}; got ${size}`);

  if (after != null) {
    const cursor = decodeCursor(after, problem);
    if (cursor.j === 0) return { params: { limit: String(size), after: cursor.a }, dropFront: 0, dropBack: 0 };
    return { params: { limit: String(Math.min(MAX_PAGE_SIZE, cursor.i + size)), after: cursor.b }, dropFront: cursor.i, dropBack: 0 };
  }
  if (before != null) {
    const cursor = decodeCursor(before, problem);
    if (cursor.i === 0) return { params: { limit: String(size), before: cursor.b }, dropFront: 0, dropBack: 0 };
    return { params: { limit: String(Math.min(MAX_PAGE_SIZE, cursor.j + size)), before: cursor.a }, dropFront: 0, dropBack: cursor.j };
  }
  return { params: { limit: String(size) }, dropFront: 0, dropBack: 0 };
}

/** Reads Graph's `paging` (absent or partial on a last or only page). */
export function readPaging(body: Record<string, unknown>): GraphPaging {
  const paging = isObject(body.paging) ? body.paging : {};
  const cursors = isObject(paging.cursors) ? paging.cursors : {};
  return {
    before: nonEmptyString(cursors.before),
    after: nonEmptyString(cursors.after),
    hasNext: nonEmptyString(paging.next) !== undefined,
    hasPrevious: nonEmptyString(paging.previous) !== undefined,
  };
}

/** The connection for one Graph page: the request's dropped items removed, a cursor on every edge. */
export function connectionOf<T>(items: readonly T[], paging: GraphPaging, request: PageRequest): Connection<T> {
  const end = Math.max(request.dropFront, items.length - request.dropBack);
  const kept = items.slice(request.dropFront, end);
  const canContinue = paging.before !== undefined && paging.after !== undefined;
  const edges = kept.map((node, k) => {
    const i = k + request.dropFront;
    return { node, cursor: canContinue ? encodeCursor({ b: paging.before!, a: paging.after!, i, j: items.length - 1 - i }) : '' };
  });
  return {
    edges,
    pageInfo: {
      hasNextPage: paging.hasNext || (request.dropBack > 0 && items.length > end),
      hasPreviousPage: paging.hasPrevious || request.dropFront > 0,
      startCursor: edges[0]?.cursor || null,
      endCursor: edges.at(-1)?.cursor || null,
    },
  };
}

/** A Graph list answer that is not `{data, paging}` of the expected shape. */
export function malformedList(what: string): UpstreamError {
  return new UpstreamError('UPSTREAM_ERROR', `The Graph API answered the ${what} with something that is not a list page`);
}

function encodeCursor(cursor: EdgeCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(text: string, problem: (message: string) => GatewayError): EdgeCursor {
  const invalid = problem('the cursor is not one this API returned (use `endCursor`/`startCursor` or an edge\'s `cursor`)');
  if (text.length === 0 || text.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(text)) throw invalid;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  if (!isObject(value)) throw invalid;
  const { b, a, i, j } = value;
  if (typeof b !== 'string' || typeof a !== 'string' || !b || !a || !isIndex(i) || !isIndex(j)) throw invalid;
  return { b, a, i, j };
}

function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < MAX_PAGE_SIZE;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
