/**
 * `DELETE /{group-id}/participants` with `{messaging_product, participants:[{user}]}`,
 * 1 to 8 items; `user` is a phone number (`+` and digits), a wa_id (digits) or a BSUID
 * (`CC.` and letters/digits). Removed members cannot rejoin by invite link.
 *
 * Answers (ASSUMPTION: Meta documents no response body here):
 * - all removed: 200 `{messaging_product, request_id}`;
 * - some removed: 206 with the 131201 error envelope, and next to it `request_id`,
 *   `removed_participants:[{input}]` and `failed_participants:[{input, errors}]`;
 * - none removed: the first participant's error (131212 not in the group), HTTP 400.
 * A duplicate in the request (131202) refuses it whole. The outcome is also notified
 * as a `group_participants_update` webhook with `initiated_by: "business"`.
 */
import { graphError, invalidParameter, itemError, type GraphItemError } from './graph-errors.js';
import { ok, type GraphAnswer, type GraphCall, type GraphContext } from './graph-call.js';
import { requireVisibleGroup } from './group-access.js';
import { newFbtraceId, newRequestId } from './ids.js';
import { identifies, isParticipantRef, participantKey, type Participant } from './participants.js';
import { participantsRemovedByBusiness } from './webhook-items.js';
import { arrayParam, refuseIfSuspended, requireMessagingProduct } from './write-rules.js';

export const MAX_PARTICIPANTS_PER_REMOVAL = 8;


export function removeParticipants(ctx: GraphContext, call: GraphCall): GraphAnswer {
  const group = requireVisibleGroup(ctx, call.token, call.segments[0] ?? '', call.method);
  requireMessagingProduct(call.params);
  const inputs = parseParticipants(arrayParam(call.params, 'participants'));
  refuseIfSuspended(group);

  const remaining = [...group.participants];
  const removed: { input: string; participant: Participant }[] = [];
  const failed: { input: string; errors: GraphItemError[] }[] = [];
  for (const input of inputs) {
    const index = remaining.findIndex((p) => identifies(input, p));
    const participant = remaining[index];
    if (participant === undefined) {
      failed.push({ input, errors: [itemError(graphError('participantNotInGroup'))] });
      continue;
    }
    remaining.splice(index, 1);
    removed.push({ input, participant });
  }
  if (removed.length === 0) throw graphError('participantNotInGroup');

  const banned = removed.flatMap(({ participant: p }) => [p.waId, p.userId].filter((x): x is string => x !== undefined));
  ctx.store.update(group.id, { participants: remaining, removedByBusiness: [...group.removedByBusiness, ...banned] });

  const requestId = newRequestId();
  const partial = failed.length > 0 ? graphError('partialSuccess') : undefined;
  ctx.webhooks.notify(
    'group_participants_update',
    group.phoneNumberId,
    participantsRemovedByBusiness(group.id, requestId, removed, failed, partial ? [itemError(partial)] : []),
  );
  if (!partial) return ok({ messaging_product: 'whatsapp', request_id: requestId });
  return {
    status: partial.status,
    body: {
      ...partial.envelope(newFbtraceId()),
      messaging_product: 'whatsapp',
      request_id: requestId,
      removed_participants: removed.map((r) => ({ input: r.input })),
      failed_participants: failed,
    },
  };
}

/** The `user` of each item, validated; a repeated participant is 131202. */
function parseParticipants(items: unknown[] | undefined): string[] {
  if (items === undefined || items.length === 0) throw invalidParameter('Param participants must be a non-empty array.');
  if (items.length > MAX_PARTICIPANTS_PER_REMOVAL) {
    throw invalidParameter(`Param participants must have at most ${MAX_PARTICIPANTS_PER_REMOVAL} items.`);
  }
  const users = items.map((item, i) => {
    // ASSUMPTION: `{user_id: <BSUID>}` items (as pywa sends) are accepted like `{user}`.
    const record = typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : {};
    const user = record.user ?? record.user_id;
    if (typeof user !== 'string' || !isParticipantRef(user)) {
      throw invalidParameter(`Param participants[${i}].user must be a phone number (+ and digits), a wa_id or a BSUID.`);
    }
    return user;
  });
  const keys = users.map(participantKey);
  if (new Set(keys).size !== keys.length) throw graphError('duplicateParticipant');
  return users;
}

