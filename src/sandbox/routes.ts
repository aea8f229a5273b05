/**
 * The route table: every Graph endpoint the emulator serves, in one place. A route is a
 * method and a path pattern (`:id` is the node; literal segments are edges) with its
 * handler and its `kind`, the name the request log and the fault matcher use. HTTP
 * requests and batch operations resolve through the same table.
 */
import { runBatch } from './batch.js';
import { PICTURE_UPLOAD, type UploadRule } from './body.js';
import { graphError, unknownPath, unsupportedRequest } from './graph-errors.js';
import type { GraphAnswer, GraphCall, GraphContext } from './graph-call.js';
import { createGroup } from './group-create.js';
import { listGroups } from './group-list.js';
import { getInviteLink, resetInviteLink } from './invite-link.js';
import { approveJoinRequests, listJoinRequests, rejectJoinRequests } from './join-requests.js';
import { MEDIA_UPLOAD, uploadMedia } from './media.js';
import { sendMessage } from './messages.js';
import { removeParticipants } from './participants-removal.js';
import type { Params } from './params.js';
import { readGroup, readMany } from './reads.js';
import { deleteGroup, updateGroup } from './writes.js';

export const REQUEST_KINDS = [
  'read', 'ids', 'batch', 'update', 'picture', 'delete',
  'groups', 'invite_link', 'participants', 'join_requests', 'messages', 'media', 'other',
] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

/** What is known about a request before its body is read (faults apply then). */
export interface RouteHints {
  params: Params;
  multipart: boolean;
}

type Handler = (ctx: GraphContext, call: GraphCall) => GraphAnswer;

interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** `[]` is the root; `:id` matches any node id. */
  path: readonly string[];
  kind: RequestKind;
  handle: Handler;
  /** Extra condition, e.g. `?ids=` for the root GET. */
  when?: (hints: RouteHints) => boolean;
  /** How a multipart file is read (default: as a profile picture). */
  upload?: UploadRule;
}

const ROUTES: readonly Route[] = [
  { method: 'GET', path: [], kind: 'ids', handle: readMany, when: (h) => h.params.has('ids') },
  { method: 'POST', path: [], kind: 'batch', handle: (ctx, call) => runBatch(ctx, call, batchOps) },
  { method: 'GET', path: [':id'], kind: 'read', handle: readGroup },
  // A multipart update is how a profile picture is sent; same handler, its own kind.
  { method: 'POST', path: [':id'], kind: 'picture', handle: updateGroup, when: (h) => h.multipart },
  { method: 'POST', path: [':id'], kind: 'update', handle: updateGroup },
  { method: 'DELETE', path: [':id'], kind: 'delete', handle: deleteGroup },
  { method: 'GET', path: [':id', 'groups'], kind: 'groups', handle: listGroups },
  { method: 'POST', path: [':id', 'groups'], kind: 'groups', handle: createGroup },
  { method: 'GET', path: [':id', 'invite_link'], kind: 'invite_link', handle: getInviteLink },
  { method: 'POST', path: [':id', 'invite_link'], kind: 'invite_link', handle: resetInviteLink },
  { method: 'DELETE', path: [':id', 'participants'], kind: 'participants', handle: removeParticipants },
  { method: 'GET', path: [':id', 'join_requests'], kind: 'join_requests', handle: listJoinRequests },
  { method: 'POST', path: [':id', 'join_requests'], kind: 'join_requests', handle: approveJoinRequests },
  { method: 'DELETE', path: [':id', 'join_requests'], kind: 'join_requests', handle: rejectJoinRequests },
  { method: 'POST', path: [':id', 'messages'], kind: 'messages', handle: sendMessage },
  { method: 'POST', path: [':id', 'media'], kind: 'media', handle: uploadMedia, upload: MEDIA_UPLOAD },
];

type Resolution = { route: Route } | { error: () => Error };

function resolve(method: string, segments: readonly string[], hints: RouteHints): Resolution {
  const samePath = ROUTES.filter((r) => pathMatches(r.path, segments));
  if (samePath.length === 0) {
    // ASSUMPTION: Graph's answer to an edge it does not know (the SPEC-only
    // `POST /{group-id}/participants` and `DELETE /{group-id}/invite_link` included).
    if (segments.length === 0) return { error: () => unsupportedRequest(method) };
    return { error: () => unknownPath(`/${segments.slice(1).join('/')}`) };
  }
  const route = samePath.find((r) => r.method === method && (r.when?.(hints) ?? true));
  return route ? { route } : { error: () => unsupportedRequest(method) };
}

function pathMatches(pattern: readonly string[], segments: readonly string[]): boolean {
  return pattern.length === segments.length && pattern.every((p, i) => p === ':id' || p === segments[i]);
}

/** The log's name for a request; `other` when no route serves it. */
export function requestKind(method: string, segments: readonly string[], hints: RouteHints): RequestKind {
  const resolution = resolve(method, segments, hints);
  return 'route' in resolution ? resolution.route.kind : 'other';
}

/** How the route reads a multipart file, decided before the body is read. */
export function uploadRule(method: string, segments: readonly string[], hints: RouteHints): UploadRule {
  const resolution = resolve(method, segments, hints);
  return ('route' in resolution ? resolution.route.upload : undefined) ?? PICTURE_UPLOAD;
}

/** Runs the call's route. Throws GraphError for anything the emulated Meta refuses. */
export function dispatch(ctx: GraphContext, call: GraphCall): GraphAnswer {
  const resolution = resolve(call.method, call.segments, { params: call.params, multipart: call.file !== undefined });
  if ('error' in resolution) throw resolution.error();
  return resolution.route.handle(ctx, call);
}

/** Batch operations go through the same table; they cannot themselves be batches. */
const batchOps = {
  run(ctx: GraphContext, op: GraphCall): GraphAnswer {
    if (op.segments.length === 0 && op.params.has('batch')) throw graphError('batchInvalid');
    return dispatch(ctx, op);
  },
  kind: (op: Pick<GraphCall, 'method' | 'segments' | 'params'>): RequestKind =>
    requestKind(op.method, op.segments, { params: op.params, multipart: false }),
};
export type BatchOps = typeof batchOps;
