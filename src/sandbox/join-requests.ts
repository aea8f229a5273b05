/**
 * Join requests of a group whose `join_approval_mode` is `approval_required` (Groups
 * reference, "Join requests"):
 * - `GET /{group-id}/join_requests`: `{data:[{join_request_id, wa_id, creation_timestamp}], paging}`,
 *   oldest first;
 * - `POST` (approve) and `DELETE` (reject) with `{messaging_product, join_requests:[ids]}`:
 *   `{messaging_product, approved_join_requests | rejected_join_requests, failed_join_requests?, errors?}`.
 * Approved requesters become participants (webhook `group_participants_add`); rejected
 * requests disappear, with no webhook. Per-id failures: 131213 unknown request, 131203
 * requester has not accepted the terms, 131204 the group would pass 8 participants.
 */
import { graphError, invalidParameter, itemError, type GraphError, type GraphItemError } from './graph-errors.js';
import { ok, type GraphAnswer, type GraphCall, type GraphContext } from './graph-call.js';
import { requireVisibleGroup } from './group-access.js';
import { pageOf } from './paging.js';
import { MAX_PARTICIPANTS, type StoredGroup, type StoredJoinRequest } from './store.js';
import { joinRequestsApproved, participantWire } from './webhook-items.js';
import { arrayParam, refuseIfSuspended, requireMessagingProduct } from './write-rules.js';

/** ASSUMPTION: Meta documents no maximum; 50 ids per call, like a batch. */
export const MAX_JOIN_REQUESTS_PER_CALL = 50;

export function listJoinRequests(ctx: GraphContext, call: GraphCall): GraphAnswer {
  const group = requireVisibleGroup(ctx, call.token, call.segments[0] ?? '', call.method);
  const page = pageOf(call, group.joinRequests, 'asc', `join_requests:${group.seq}`);
  return ok({
    data: page.items.map((r) => ({
      join_request_id: r.id,
      ...participantWire(r),
      creation_timestamp: r.creationTimestamp,
    })),
    ...(page.paging && { paging: page.paging }),
  });
}

interface Failure {
  join_request_id: string;
  errors: GraphItemError[];
}

export function approveJoinRequests(ctx: GraphContext, call: GraphCall): GraphAnswer {
  const { group, ids } = readDecision(ctx, call);
  const participants = [...group.participants];
  const pending = [...group.joinRequests];
  const approved: StoredJoinRequest[] = [];
  const failed: Failure[] = [];
  for (const id of ids) {
    const request = pending.find((r) => r.id === id);
    const refusal = !request
      ? graphError('joinRequestUnknown')
      : !request.acceptedTerms
        ? graphError('termsNotAccepted')
        : participants.length >= MAX_PARTICIPANTS
          ? graphError('participantOverLimit')
          : undefined;
    if (refusal || !request) {
      failed.push(failure(id, refusal ?? graphError('joinRequestUnknown')));
      continue;
    }
    pending.splice(pending.indexOf(request), 1);
    participants.push({ waId: request.waId, ...(request.userId !== undefined && { userId: request.userId }) });
    approved.push(request);
  }
  if (approved.length > 0) {
    ctx.store.update(group.id, { participants, joinRequests: pending });
    ctx.webhooks.notify('group_participants_update', group.phoneNumberId, joinRequestsApproved(group.id, approved));
  }
  return ok({ messaging_product: 'whatsapp', approved_join_requests: approved.map((r) => r.id), ...failures(failed) });
}

export function rejectJoinRequests(ctx: GraphContext, call: GraphCall): GraphAnswer {
  const { group, ids } = readDecision(ctx, call);
  const pending = [...group.joinRequests];
  const rejected: string[] = [];
  const failed: Failure[] = [];
  for (const id of ids) {
    const index = pending.findIndex((r) => r.id === id);
    if (index === -1) {
      failed.push(failure(id, graphError('joinRequestUnknown')));
      continue;
    }
    pending.splice(index, 1);
    rejected.push(id);
  }
  if (rejected.length > 0) ctx.store.update(group.id, { joinRequests: pending });
  return ok({ messaging_product: 'whatsapp', rejected_join_requests: rejected, ...failures(failed) });
}

function readDecision(ctx: GraphContext, call: GraphCall): { group: StoredGroup; ids: string[] } {
  const group = requireVisibleGroup(ctx, call.token, call.segments[0] ?? '', call.method);
  requireMessagingProduct(call.params);
  const items = arrayParam(call.params, 'join_requests');
  if (items === undefined || items.length === 0) throw invalidParameter('Param join_requests must be a non-empty array.');
  if (items.length > MAX_JOIN_REQUESTS_PER_CALL) {
    throw invalidParameter(`Param join_requests must have at most ${MAX_JOIN_REQUESTS_PER_CALL} items.`);
  }
  if (!items.every((id): id is string => typeof id === 'string' && id.length > 0)) {
    throw invalidParameter('Param join_requests must hold join request ids (strings).');
  }
  refuseIfSuspended(group);
  // ASSUMPTION: a repeated id counts once.
  return { group, ids: [...new Set(items)] };
}

function failure(id: string, error: GraphError): Failure {
  return { join_request_id: id, errors: [itemError(error)] };
}

/** `failed_join_requests` and the top-level `errors` (one per distinct code) only when something failed. */
function failures(failed: Failure[]): { failed_join_requests?: Failure[]; errors?: GraphItemError[] } {
  if (failed.length === 0) return {};
  const distinct = new Map<number, GraphItemError>();
  for (const f of failed) for (const e of f.errors) if (!distinct.has(e.code)) distinct.set(e.code, e);
  return { failed_join_requests: failed, errors: [...distinct.values()] };
}
