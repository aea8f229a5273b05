import type { GraphClient, GraphCredentials } from './client.js';
import { UpstreamError } from './errors.js';
import { writingTo, type GroupChangeListener } from './group-changes.js';
import { writeReceipt } from './group-writes.js';

/**
 * The group lifecycle writes of Meta's "Group management" reference
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/groups/reference):
 * create, reset the invite link, remove participants, approve or reject join requests. Every body
 * carries `messaging_product: whatsapp`; inputs arrive already validated; none is ever retried.
 * Each write to a group tells `changes` about it before it returns (the new invite link included).
 */

export interface NewGroup {
  subject: string;
  description?: string | undefined;
  join_approval_mode?: 'approval_required' | 'auto_approve' | undefined;
}

export interface CreatedGroup {
  /** The documented answer: creation is asynchronous and its outcome arrives in a webhook. */
  requestId: string | undefined;
  /** Some clients report `{id}` instead: then the group exists already. */
  groupId: string | undefined;
}

export interface FailedItem {
  /** The participant as sent, or the join request id. */
  item: string;
  code: number | undefined;
  message: string;
}

export interface RemovalOutcome {
  requestId: string | undefined;
  removed: string[];
  failed: FailedItem[];
}

export interface JoinRequestsOutcome {
  answered: string[];
  failed: FailedItem[];
}

/** Graph codes about the participants of a removal: they belong in the payload, not in an error. */
const PARTICIPANT_ERRORS = new Set([131201, 131202, 131212]);
/** Graph codes about the join requests themselves (131213 does not exist, 131203 terms of service). */
const JOIN_REQUEST_ERRORS = new Set([131203, 131213]);

export class LifecycleWriter {
  constructor(
    private readonly client: GraphClient,
    private readonly credentials: GraphCredentials,
    private readonly changes?: GroupChangeListener,
  ) {}

  /** `POST /{v}/{phone-number-id}/groups`. */
  async create(phoneNumberId: string, group: NewGroup): Promise<CreatedGroup> {
    const answer = await this.client.call(
      {
        method: 'POST',
        path: `/${encodeURIComponent(phoneNumberId)}/groups`,
        route: { kind: 'group.create', template: '/{phone-number-id}/groups', phoneNumberId },
        body: { json: { messaging_product: 'whatsapp', ...group } },
      },
      this.credentials,
    );
    const { requestId } = writeReceipt(answer, 'creation');
    const id = (answer as { id?: unknown; group_id?: unknown }).id ?? (answer as { group_id?: unknown }).group_id;
    return { requestId, groupId: typeof id === 'string' && id.length > 0 ? id : undefined };
  }

  /** `POST /{v}/{group-id}/invite_link`: a new link; every earlier one stops working. */
  async resetInviteLink(groupId: string): Promise<string> {
    return writingTo(
      this.changes,
      groupId,
      async () => {
        const answer = await this.client.call<{ invite_link?: unknown }>(
          {
            method: 'POST',
            path: `/${encodeURIComponent(groupId)}/invite_link`,
            route: { kind: 'invite_link.reset', template: '/{group-id}/invite_link', groupId },
            body: { json: { messaging_product: 'whatsapp' } },
          },
          this.credentials,
        );
        if (typeof answer?.invite_link !== 'string' || answer.invite_link.length === 0) {
          throw new UpstreamError('UPSTREAM_ERROR', `The Graph API reset the invite link of group ${groupId} without answering the new link`);
        }
        return answer.invite_link;
      },
      (inviteLink) => ({ inviteLink }),
    );
  }

  /**
   * `DELETE /{v}/{group-id}/participants` with `participants: [{user}]`. Errors about the
   * participants (131201 partial success, 131202 duplicate, 131212 not in the group) are the
   * outcome's `failed`: the participants the error names, or all of them when it names none.
   */
  removeParticipants(groupId: string, participants: readonly string[]): Promise<RemovalOutcome> {
    return writingTo(this.changes, groupId, () => this.#removeParticipants(groupId, participants));
  }

  async #removeParticipants(groupId: string, participants: readonly string[]): Promise<RemovalOutcome> {
    let answer: unknown;
    try {
      answer = await this.client.call(
        {
          method: 'DELETE',
          path: `/${encodeURIComponent(groupId)}/participants`,
          route: { kind: 'participants.remove', template: '/{group-id}/participants', groupId },
          body: { json: { messaging_product: 'whatsapp', participants: participants.map((user) => ({ user })) } },
        },
        this.credentials,
      );
    } catch (error) {
      if (!(error instanceof UpstreamError) || !PARTICIPANT_ERRORS.has(error.graph?.code ?? -1)) throw error;
      // A partial success (131201, HTTP 206) may list who was and was not removed beside its error.
      if (Array.isArray(error.answer?.removed_participants) || Array.isArray(error.answer?.failed_participants)) {
        return removalOutcome(error.answer, participants, error);
      }
      const named = participants.filter((p) => mentions(error.message, p));
      const failed = (named.length > 0 ? named : participants).map((item) => ({ item, code: error.graph?.code, message: error.message }));
      return { requestId: undefined, removed: participants.filter((p) => !failed.some((f) => f.item === p)), failed };
    }
    writeReceipt(answer, 'participant removal');
    return removalOutcome(answer as Record<string, unknown>, participants);
  }

  /**
   * `POST` (approve) or `DELETE` (reject) `/{v}/{group-id}/join_requests` with `join_requests: [ids]`.
   * The answer lists `approved_join_requests`/`rejected_join_requests` and `failed_join_requests`
   * with each one's errors. A whole-request 131213/131203 fails every id of the request.
   */
  answerJoinRequests(groupId: string, ids: readonly string[], decision: 'approve' | 'reject'): Promise<JoinRequestsOutcome> {
    return writingTo(this.changes, groupId, () => this.#answerJoinRequests(groupId, ids, decision));
  }

  async #answerJoinRequests(groupId: string, ids: readonly string[], decision: 'approve' | 'reject'): Promise<JoinRequestsOutcome> {
    let answer: unknown;
    try {
      answer = await this.client.call(
        {
          method: decision === 'approve' ? 'POST' : 'DELETE',
          path: `/${encodeURIComponent(groupId)}/join_requests`,
          route: { kind: decision === 'approve' ? 'join_requests.approve' : 'join_requests.reject', template: '/{group-id}/join_requests', groupId },
          body: { json: { messaging_product: 'whatsapp', join_requests: [...ids] } },
        },
        this.credentials,
      );
    } catch (error) {
      if (!(error instanceof UpstreamError) || !JOIN_REQUEST_ERRORS.has(error.graph?.code ?? -1)) throw error;
      return { answered: [], failed: ids.map((item) => ({ item, code: error.graph?.code, message: error.message })) };
    }
    writeReceipt(answer, decision === 'approve' ? 'join request approval' : 'join request rejection');
    const body = answer as Record<string, unknown>;
    const failed = failedItems(body.failed_join_requests, ['join_request_id']);
    const listed = body[decision === 'approve' ? 'approved_join_requests' : 'rejected_join_requests'];
    const answered = Array.isArray(listed)
      ? listed.map((item) => itemName(item, ['join_request_id'])).filter((id): id is string => id !== undefined)
      : ids.filter((id) => !failed.some((f) => f.item === id));
    return { answered, failed };
  }
}

/**
 * `removed_participants` / `failed_participants` of a removal's answer (a 200, or a 206 beside its
 * 131201 error). A participant listed in neither is failed with the request's own error when there
 * is one (nobody said it was removed), else counted as removed.
 */
function removalOutcome(body: Readonly<Record<string, unknown>>, participants: readonly string[], error?: UpstreamError): RemovalOutcome {
  const names = ['input', 'user', 'wa_id', 'user_id'];
  const failed = failedItems(body.failed_participants, names);
  const listed = Array.isArray(body.removed_participants)
    ? body.removed_participants.map((p) => itemName(p, names)).filter((p): p is string => p !== undefined)
    : undefined;
  const removed = listed ?? participants.filter((p) => !failed.some((f) => f.item === p));
  if (error) {
    for (const p of participants) {
      if (!removed.includes(p) && !failed.some((f) => f.item === p)) failed.push({ item: p, code: error.graph?.code, message: error.message });
    }
  }
  const requestId = typeof body.request_id === 'string' || typeof body.request_id === 'number' ? String(body.request_id) : undefined;
  return { requestId, removed, failed };
}

/** `[{<name>, errors: [{code, message, error_data: {details}}]}]` → one FailedItem each. */
function failedItems(list: unknown, names: readonly string[]): FailedItem[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry): FailedItem[] => {
    const item = itemName(entry, names);
    if (item === undefined) return [];
    const errors = (entry as { errors?: unknown }).errors;
    const first = Array.isArray(errors) ? (errors[0] as { code?: unknown; message?: unknown; error_data?: { details?: unknown } } | undefined) : undefined;
    const details = typeof first?.error_data?.details === 'string' ? first.error_data.details : undefined;
    const message = [typeof first?.message === 'string' ? first.message : 'The Graph API did not apply this item', details].filter(Boolean).join(': ');
    return [{ item, code: typeof first?.code === 'number' ? first.code : undefined, message }];
  });
}

/** An item is a plain string or an object naming it under one of `names`. */
function itemName(entry: unknown, names: readonly string[]): string | undefined {
  if (typeof entry === 'string') return entry;
  if (typeof entry !== 'object' || entry === null) return undefined;
  for (const name of names) {
    const value = (entry as Record<string, unknown>)[name];
    if (typeof value === 'string' && value.length > 0) return value;
  }
  return undefined;
}

/** Whether a Graph message names this participant as a whole token (not "1312" inside "(#131212)"). */
function mentions(message: string, participant: string): boolean {
  const text = message.replace(/^\(#\d+\)/, '');
  const escaped = participant.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![A-Za-z0-9.+])${escaped}(?![A-Za-z0-9])`).test(text);
}
