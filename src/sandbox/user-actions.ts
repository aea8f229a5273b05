/**
 * What WhatsApp users (and WhatsApp itself) do to a group, simulated for tests and demos:
 * open an invite link, ask to join, withdraw the request, leave; suspend a group and lift
 * the suspension. Each changes the state and notifies the webhook Meta would send. Reached
 * only through the admin API (admin.ts), never through Graph routes.
 */
import type { GraphContext } from './graph-call.js';
import { INVITE_LINK_PREFIX } from './ids.js';
import { identifies, type Participant } from './participants.js';
import { MAX_PARTICIPANTS, type StoredGroup, type StoredJoinRequest } from './store.js';
import {
  groupStatus,
  joinRequestCreated,
  joinRequestRevoked,
  participantLeft,
  participantsJoinedByLink,
} from './webhook-items.js';

type Effects = Pick<GraphContext, 'store' | 'webhooks'>;

/** A refusal with the admin API's HTTP status: 404 unknown, 409 not allowed now. */
export class UserActionRefused extends Error {
  constructor(
    readonly status: 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

export interface Requester {
  waId: string;
  userId?: string | undefined;
  acceptedTerms?: boolean | undefined;
}

export type JoinOutcome = { joined: true; groupId: string } | { joined: false; groupId: string; joinRequestId: string };

/** Opening an invite link: joins an auto-approve group, asks to join one that needs approval. */
export function joinByLink(fx: Effects, inviteLink: string, user: Requester): JoinOutcome {
  const group = groupOfLink(fx, inviteLink);
  if (group.joinApprovalMode === 'approval_required') {
    const request = askToJoin(fx, group, user);
    return { joined: false, groupId: group.id, joinRequestId: request.id };
  }
  refuseIfBarred(group, user);
  if (group.participants.length >= MAX_PARTICIPANTS) throw new UserActionRefused(409, 'the group is full (8 participants)');
  const participant: Participant = { waId: user.waId, ...(user.userId !== undefined && { userId: user.userId }) };
  fx.store.update(group.id, { participants: [...group.participants, participant] });
  fx.webhooks.notify('group_participants_update', group.phoneNumberId, participantsJoinedByLink(group.id, [participant]));
  return { joined: true, groupId: group.id };
}

/** Asking to join through the link of a group that needs approval: a pending join request. */
export function requestToJoin(fx: Effects, inviteLink: string, user: Requester): StoredJoinRequest {
  const group = groupOfLink(fx, inviteLink);
  if (group.joinApprovalMode !== 'approval_required') {
    throw new UserActionRefused(409, 'the group does not need approval: join it instead');
  }
  return askToJoin(fx, group, user);
}

export function withdrawRequest(fx: Effects, groupId: string, joinRequestId: string): void {
  const group = requireGroup(fx, groupId);
  const request = group.joinRequests.find((r) => r.id === joinRequestId);
  if (!request) throw new UserActionRefused(404, `no pending join request ${joinRequestId} in this group`);
  fx.store.update(group.id, { joinRequests: group.joinRequests.filter((r) => r !== request) });
  fx.webhooks.notify('group_participants_update', group.phoneNumberId, joinRequestRevoked(group.id, request));
}

/** `user`: a wa_id, a phone number (`+` and digits) or a BSUID. */
export function leave(fx: Effects, groupId: string, user: string): void {
  const group = requireGroup(fx, groupId);
  const participant = group.participants.find((p) => identifies(user, p));
  if (!participant) throw new UserActionRefused(404, `${user} is not a participant of this group`);
  fx.store.update(group.id, { participants: group.participants.filter((p) => p !== participant) });
  fx.webhooks.notify('group_participants_update', group.phoneNumberId, participantLeft(group.id, participant));
}

export function setSuspended(fx: Effects, groupId: string, suspended: boolean): void {
  const group = requireGroup(fx, groupId);
  if (group.suspended === suspended) {
    throw new UserActionRefused(409, suspended ? 'the group is already suspended' : 'the group is not suspended');
  }
  fx.store.update(group.id, { suspended });
  fx.webhooks.notify('group_status_update', group.phoneNumberId, groupStatus(group.id, suspended ? 'group_suspend' : 'group_suspend_cleared'));
}

function askToJoin(fx: Effects, group: StoredGroup, user: Requester): StoredJoinRequest {
  refuseIfBarred(group, user);
  if (group.joinRequests.some((r) => r.waId === user.waId)) {
    throw new UserActionRefused(409, 'this user already has a pending join request');
  }
  const request = fx.store.newJoinRequest(group, {
    waId: user.waId,
    ...(user.userId !== undefined && { userId: user.userId }),
    ...(user.acceptedTerms !== undefined && { acceptedTerms: user.acceptedTerms }),
  });
  fx.store.update(group.id, { joinRequests: [...group.joinRequests, request] });
  fx.webhooks.notify('group_participants_update', group.phoneNumberId, joinRequestCreated(group.id, request));
  return request;
}

/** Members cannot join twice; people the business removed cannot come back by link (Groups reference). */
function refuseIfBarred(group: StoredGroup, user: Requester): void {
  if (group.participants.some((p) => p.waId === user.waId)) throw new UserActionRefused(409, 'already a participant');
  const ids = [user.waId, user.userId].filter((x): x is string => x !== undefined);
  if (ids.some((id) => group.removedByBusiness.includes(id))) {
    throw new UserActionRefused(409, 'the business removed this user: they cannot rejoin by invite link');
  }
}

function groupOfLink(fx: Effects, inviteLink: string): StoredGroup {
  const code = inviteLink.startsWith(INVITE_LINK_PREFIX) ? inviteLink.slice(INVITE_LINK_PREFIX.length) : undefined;
  const group = code === undefined ? undefined : fx.store.findByInviteCode(code);
  if (!group) throw new UserActionRefused(404, 'no group has this invite link (it may have been reset)');
  return group;
}

function requireGroup(fx: Effects, groupId: string): StoredGroup {
  const group = fx.store.get(groupId);
  if (!group) throw new UserActionRefused(404, `no group ${groupId}`);
  return group;
}
