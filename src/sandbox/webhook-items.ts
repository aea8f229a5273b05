/**
 * The `groups[]` items of Meta's group webhooks ("Webhooks for Groups API",
 * https://developers.facebook.com/docs/whatsapp/cloud-api/groups/webhooks), built from the
 * sandbox's state. ASSUMPTION: `timestamp` is Unix seconds as a string, as Meta's samples
 * quote it (the OpenAPI spec says integer).
 */
import type { GraphItemError } from './graph-errors.js';
import { INVITE_LINK_PREFIX } from './ids.js';
import type { Participant } from './participants.js';
import type { StoredGroup, StoredJoinRequest } from './store.js';

type Item = Record<string, unknown>;

function now(): string {
  return String(Math.floor(Date.now() / 1000));
}

/** `group_lifecycle_update`, a group created as asked. */
export function groupCreated(group: StoredGroup, requestId: string): Item {
  return {
    timestamp: now(),
    group_id: group.id,
    type: 'group_create',
    request_id: requestId,
    subject: group.subject,
    ...(group.description !== undefined && { description: group.description }),
    invite_link: INVITE_LINK_PREFIX + group.inviteCode,
    join_approval_mode: group.joinApprovalMode,
  };
}

/** `group_lifecycle_update`, a creation that was accepted and then failed: no group id. */
export function groupCreateFailed(requestId: string, errors: GraphItemError[]): Item {
  return { timestamp: now(), type: 'group_create', request_id: requestId, errors };
}

/** ASSUMPTION: participant objects carry `wa_id` and, when known, the BSUID as `user_id`. */
export function participantWire(p: Participant): Item {
  return {
    ...(p.waId !== undefined && { wa_id: p.waId }),
    ...(p.userId !== undefined && { user_id: p.userId }),
  };
}

/** `group_participants_update`, the business removed participants (`input` is what it sent). */
export function participantsRemovedByBusiness(
  groupId: string,
  requestId: string,
  removed: { input: string; participant: Participant }[],
  failed: { input: string; errors: GraphItemError[] }[],
  errors: GraphItemError[],
): Item {
  return {
    timestamp: now(),
    group_id: groupId,
    type: 'group_participants_remove',
    request_id: requestId,
    // ASSUMPTION: Meta's sample shows only `input`; the removed member's ids are added.
    removed_participants: removed.map((r) => ({ input: r.input, ...participantWire(r.participant) })),
    ...(failed.length > 0 && { failed_participants: failed }),
    ...(errors.length > 0 && { errors }),
    initiated_by: 'business',
  };
}

/** `group_participants_update`, a member left on their own. */
export function participantLeft(groupId: string, participant: Participant): Item {
  return {
    timestamp: now(),
    group_id: groupId,
    type: 'group_participants_remove',
    removed_participants: [participantWire(participant)],
    initiated_by: 'participant',
  };
}

/** `group_participants_update`, members joined by invite link. */
export function participantsJoinedByLink(groupId: string, participants: Participant[]): Item {
  return {
    timestamp: now(),
    group_id: groupId,
    type: 'group_participants_add',
    reason: 'invite_link',
    added_participants: participants.map(participantWire),
  };
}

/** `group_participants_update`, join requests the business approved; `input` is the join request id. */
export function joinRequestsApproved(groupId: string, approved: StoredJoinRequest[]): Item {
  return {
    timestamp: now(),
    group_id: groupId,
    type: 'group_participants_add',
    // ASSUMPTION: Meta documents `reason` only for invite links; approvals carry none.
    added_participants: approved.map((r) => ({ input: r.id, ...participantWire(r) })),
  };
}

export function joinRequestCreated(groupId: string, request: StoredJoinRequest): Item {
  return { timestamp: now(), group_id: groupId, type: 'group_join_request_created', ...joinRequestWire(request) };
}

/** ASSUMPTION: `reason` says who revoked; the sandbox only models the requester withdrawing. */
export function joinRequestRevoked(groupId: string, request: StoredJoinRequest): Item {
  return {
    timestamp: now(),
    group_id: groupId,
    type: 'group_join_request_revoked',
    ...joinRequestWire(request),
    reason: 'user_revoked',
  };
}

function joinRequestWire(request: StoredJoinRequest): Item {
  return { join_request_id: request.id, ...participantWire(request) };
}

/** `group_status_update`. */
export function groupStatus(groupId: string, type: 'group_suspend' | 'group_suspend_cleared'): Item {
  return { timestamp: now(), group_id: groupId, type };
}
