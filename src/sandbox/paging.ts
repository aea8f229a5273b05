/**
 * Cursor paging as Graph does it (https://developers.facebook.com/docs/graph-api/results):
 * `limit`, `after`/`before` cursors, and a `paging` block with `cursors` and, only when
 * such a page exists, `next`/`previous` URLs.
 *
 * Cursors are keyset positions: base64 JSON escaped like Meta's ids (Meta's own decode to
 * `{"offset":…,"versionId":…}`), here `{"seq":<item>,"list":"<which list>"}`. A cursor
 * points at an item, not an offset, so a group created or deleted between two pages
 * neither repeats nor skips another one. ASSUMPTION: the cursor's content; a cursor of
 * another list (another phone number or group) is invalid (131059).
 */
import { graphError, invalidParameter } from './graph-errors.js';
import type { GraphCall } from './graph-call.js';
import { decodeCursor, encodeCursor } from './ids.js';
import { stringParam } from './params.js';

/** The list endpoints' `limit`: 1 to 1024, default 25 (Groups reference). */
export const LIMIT_DEFAULT = 25;
export const LIMIT_MAX = 1024;

interface PageRequest {
  limit: number;
  after?: number;
  before?: number;
}

export interface Page<T> {
  items: T[];
  paging?: Paging;
}

export interface Paging {
  cursors: { before: string; after: string };
  next?: string;
  previous?: string;
}

/**
 * One page of `items`, which are in list order with `seq` increasing (`asc`) or
 * decreasing (`desc`) along it. `list` names the list inside its cursors.
 */
export function pageOf<T extends { seq: number }>(call: GraphCall, items: readonly T[], order: 'asc' | 'desc', list: string): Page<T> {
  const request = readPageRequest(call, list);
  // Items strictly after / before a position, in list order.
  const isAfter = (item: T, seq: number) => (order === 'asc' ? item.seq > seq : item.seq < seq);
  let start = 0;
  let end = items.length;
  if (request.after !== undefined) {
    const anchor = request.after;
    start = indexOrEnd(items, (item) => isAfter(item, anchor));
    end = Math.min(items.length, start + request.limit);
  } else if (request.before !== undefined) {
    const anchor = request.before;
    end = indexOrEnd(items, (item) => isAfter(item, anchor) || item.seq === anchor);
    start = Math.max(0, end - request.limit);
  } else {
    end = Math.min(items.length, request.limit);
  }
  const slice = items.slice(start, end);
  const first = slice[0];
  const last = slice.at(-1);
  // ASSUMPTION: an empty page carries no paging block at all.
  if (first === undefined || last === undefined) return { items: [] };
  const cursors = { before: cursorFor(first.seq, list), after: cursorFor(last.seq, list) };
  const base = `${call.origin}/${call.version}/${call.segments.join('/')}?limit=${request.limit}`;
  return {
    items: slice,
    paging: {
      cursors,
      ...(end < items.length && { next: `${base}&after=${encodeURIComponent(cursors.after)}` }),
      ...(start > 0 && { previous: `${base}&before=${encodeURIComponent(cursors.before)}` }),
    },
  };
}

function indexOrEnd<T>(items: readonly T[], predicate: (item: T) => boolean): number {
  const index = items.findIndex(predicate);
  return index === -1 ? items.length : index;
}

function cursorFor(seq: number, list: string): string {
  return encodeCursor({ seq, list });
}

function readPageRequest(call: GraphCall, list: string): PageRequest {
  const raw = stringParam(call.params, 'limit');
  const limit = raw === undefined ? LIMIT_DEFAULT : Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > LIMIT_MAX) {
    // ASSUMPTION: an out-of-range limit is refused rather than clamped.
    throw invalidParameter(`Param limit must be an integer from 1 to ${LIMIT_MAX}.`);
  }
  const after = stringParam(call.params, 'after');
  const before = stringParam(call.params, 'before');
  if (after !== undefined && before !== undefined) {
    // ASSUMPTION: Graph's answer to both cursors at once.
    throw invalidParameter('Params after and before cannot be used together.');
  }
  if (after !== undefined) return { limit, after: cursorPosition(after, list) };
  if (before !== undefined) return { limit, before: cursorPosition(before, list) };
  return { limit };
}

function cursorPosition(cursor: string, list: string): number {
  const value = decodeCursor(cursor);
  const seq = value?.seq;
  if (typeof seq !== 'number' || !Number.isInteger(seq) || value?.list !== list) throw graphError('invalidCursor');
  return seq;
}
