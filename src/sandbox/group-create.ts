/**
 * `POST /{phone-number-id}/groups`: creation is asynchronous at Meta. The answer is
 * `{messaging_product, request_id}`; the group appears a moment later, owned by that
 * phone number, and a `group_lifecycle_update` webhook (`type: group_create`, same
 * request_id) brings its id and invite link (Groups reference, "Create group").
 */
import { graphError, invalidParameter, itemError } from './graph-errors.js';
import { ok, type GraphAnswer, type GraphCall, type GraphContext } from './graph-call.js';
import { refuseIfIneligible } from './group-list.js';
import { requireOwnPhoneNumber } from './group-access.js';
import { newRequestId } from './ids.js';
import type { PhoneNumber } from './store.js';
import { groupCreated, groupCreateFailed } from './webhook-items.js';
import { parseDescription, parseJoinApprovalMode, parseSubject, requireMessagingProduct } from './write-rules.js';

/** Groups per business phone number (Groups overview, "Quick facts"). */
export const MAX_GROUPS_PER_NUMBER = 10_000;

export function createGroup(ctx: GraphContext, call: GraphCall): GraphAnswer {
  const phone = requireOwnPhoneNumber(ctx, call.token, call.segments[0] ?? '', call.method);
  requireMessagingProduct(call.params);
  const subject = parseSubject(call.params);
  if (subject === undefined) throw invalidParameter('The parameter subject is required.');
  const description = parseDescription(call.params);
  const joinApprovalMode = parseJoinApprovalMode(call.params) ?? 'auto_approve';
  refuseIfIneligible(phone);
  if (phone.groupCreation === 'frozen') throw graphError('groupCreationDisabled');
  if (ctx.store.countByPhoneNumber(phone.id) >= MAX_GROUPS_PER_NUMBER) throw graphError('groupCreateLimit');

  const requestId = newRequestId();
  const create = (): string | undefined => {
    // Another creation may have filled the number meanwhile: then this one fails by webhook.
    if (ctx.store.countByPhoneNumber(phone.id) >= MAX_GROUPS_PER_NUMBER) {
      notifyLifecycle(ctx, phone, groupCreateFailed(requestId, [itemError(graphError('groupCreateLimit'))]));
      return undefined;
    }
    const group = ctx.store.seedGroup({
      phoneNumberId: phone.id,
      subject,
      ...(description !== undefined && description !== '' && { description }),
      joinApprovalMode,
      participants: 0,
    });
    notifyLifecycle(ctx, phone, groupCreated(group, requestId));
    return group.id;
  };

  if (ctx.config.createResponse === 'id') {
    // Some clients report an `{id}` answer; in that mode the group exists at once.
    return ok({ id: create() });
  }
  ctx.later.after(ctx.config.createDelayMs, create);
  return ok({ messaging_product: 'whatsapp', request_id: requestId });
}

function notifyLifecycle(ctx: GraphContext, phone: PhoneNumber, item: Record<string, unknown>): void {
  ctx.webhooks.notify('group_lifecycle_update', phone.id, item);
}
