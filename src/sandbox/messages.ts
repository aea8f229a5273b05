/**
 * `POST /{phone-number-id}/messages`: sending to a group (`recipient_type: "group"`, `to` a
 * group id; Group messaging) or to one person (`recipient_type: "individual"`, the default;
 * `to` a phone number or a business-scoped user id, or `recipient` a BSUID: Meta's BSUID
 * page). A `recipient_type` that does not match `to` fails at once. The answer is
 * `{"messaging_product":"whatsapp","contacts":[{"input","wa_id"|"user_id"}],"messages":[{"id"}]}`;
 * statuses follow by webhook (message-webhooks.ts).
 */
import { graphError, invalidParameter, parameterNotValid, requiredParameter } from './graph-errors.js';
import { ok, type GraphAnswer, type GraphCall, type GraphContext } from './graph-call.js';
import { findVisibleGroup, requireOwnPhoneNumber, unknownGroup } from './group-access.js';
import { decodeGroupId } from './ids.js';
import { messageType, optionalObjectParam, parseContent } from './message-content.js';
import { emitStatuses } from './message-webhooks.js';
import { stringParam, type Params } from './params.js';
import { pinOrUnpin } from './pins.js';
import type { PhoneNumber, StoredGroup } from './store.js';
import { refuseIfSuspended, requireMessagingProduct } from './write-rules.js';

const PHONE = /^\+?\d{5,20}$/;
/** Two upper-case letters, a dot, letters and digits (BSUID page; length not checked, Meta changed it). */
const BSUID = /^[A-Z]{2}\.[A-Za-z0-9]+$/;

/** Who a send is for, as `to` (and `recipient`) name them. */
export type Recipient =
  | { kind: 'group'; input: string }
  | { kind: 'person'; input: string; waId?: string; userId?: string };

export function sendMessage(ctx: GraphContext, call: GraphCall): GraphAnswer {
  const phone = requireOwnPhoneNumber(ctx, call.token, call.segments[0] ?? '', call.method);
  requireMessagingProduct(call.params);
  const recipientType = parseRecipientType(call.params);
  const recipient = parseRecipient(ctx, call.params);
  if (recipientType === 'group' && recipient.kind !== 'group') {
    throw parameterNotValid('recipient_type is group but to is not a group id.');
  }
  if (recipientType === 'individual' && recipient.kind === 'group') {
    throw parameterNotValid('to is a group id but recipient_type is individual: use recipient_type group.');
  }
  return recipient.kind === 'group'
    ? sendToGroup(ctx, call, phone, recipient.input)
    : sendToPerson(ctx, call, phone, recipient);
}

function sendToGroup(ctx: GraphContext, call: GraphCall, phone: PhoneNumber, groupId: string): GraphAnswer {
  const group = findVisibleGroup(ctx, call.token, groupId);
  // ASSUMPTION: a group of another phone number is as unknown to this one as a missing group.
  if (!group || group.phoneNumberId !== phone.id) throw unknownGroup(ctx, groupId, call.method);
  if (messageType(call.params) === 'pin') {
    refuseIfSuspended(group);
    const id = pinOrUnpin(ctx, group, call.params);
    emitStatuses(ctx, { id, phone, group, content: { type: 'other', name: 'pin' } });
    return sendAnswer({ input: group.id, wa_id: group.id }, id);
  }
  const content = parseContent(ctx, call.token, phone.id, call.params, 'group');
  const replyTo = parseContext(ctx, call.params, group);
  refuseIfSuspended(group);
  if (group.participants.length === 0) throw graphError('badGroup');
  if (ctx.config.groupWindowRequired && content.type !== 'template' && !ctx.messages.windowOpen(phone.id, `group:${group.id}`)) {
    throw graphError('reEngagement');
  }
  const id = ctx.messages.newId();
  ctx.messages.add({ id, phoneNumberId: phone.id, groupId: group.id, direction: 'outbound', pinnable: true, at: Date.now(), ...(replyTo && { replyTo }) });
  emitStatuses(ctx, { id, phone, group, content });
  return sendAnswer({ input: group.id, wa_id: group.id }, id);
}

function sendToPerson(ctx: GraphContext, call: GraphCall, phone: PhoneNumber, recipient: Extract<Recipient, { kind: 'person' }>): GraphAnswer {
  const content = parseContent(ctx, call.token, phone.id, call.params, 'individual');
  const replyTo = parseContext(ctx, call.params, undefined);
  const ids = [recipient.waId, recipient.userId].filter((x): x is string => x !== undefined);
  if (ids.some((who) => ctx.messages.isUndeliverable(who))) throw graphError('undeliverable');
  // Free-form messages need the person's 24-hour window; templates do not (WhatsApp error codes, 131047).
  if (content.type !== 'template' && !ids.some((who) => ctx.messages.windowOpen(phone.id, who))) {
    throw graphError('reEngagement');
  }
  const id = ctx.messages.newId();
  ctx.messages.add({ id, phoneNumberId: phone.id, direction: 'outbound', pinnable: false, at: Date.now(), ...(replyTo && { replyTo }) });
  emitStatuses(ctx, { id, phone, person: recipient, content });
  return sendAnswer(
    {
      input: recipient.input,
      ...(recipient.waId !== undefined && { wa_id: recipient.waId }),
      ...(recipient.userId !== undefined && { user_id: recipient.userId }),
    },
    id,
  );
}

function sendAnswer(contact: Record<string, string>, id: string): GraphAnswer {
  return ok({ messaging_product: 'whatsapp', contacts: [contact], messages: [{ id }] });
}

/** ASSUMPTION: any other value is a plain invalid parameter (100), as for other enums. */
function parseRecipientType(params: Params): 'group' | 'individual' {
  const value = params.get('recipient_type') ?? 'individual';
  if (value !== 'group' && value !== 'individual') throw invalidParameter('Param recipient_type must be one of {individual, group}.');
  return value;
}

/** `to` wins over `recipient` when both are given (BSUID page); `recipient` only takes a BSUID. */
function parseRecipient(ctx: GraphContext, params: Params): Recipient {
  const to = stringParam(params, 'to');
  const bsuid = stringParam(params, 'recipient');
  if (bsuid !== undefined && !BSUID.test(bsuid)) throw parameterNotValid('recipient must be a business-scoped user id.');
  if (to === undefined || to === '') {
    if (bsuid === undefined) throw requiredParameter('to');
    return { kind: 'person', input: bsuid, userId: bsuid };
  }
  if (ctx.store.has(to) || decodeGroupId(to) !== undefined) return { kind: 'group', input: to };
  if (PHONE.test(to)) return { kind: 'person', input: to, waId: to.replace(/^\+/, ''), ...(bsuid !== undefined && { userId: bsuid }) };
  if (BSUID.test(to)) return { kind: 'person', input: to, userId: to };
  throw parameterNotValid('to must be a phone number, a business-scoped user id or a group id.');
}

/**
 * `context: {message_id}` quotes a message. ASSUMPTION: in a group it must be a message of that
 * group (131009 otherwise); in a 1:1 chat any id is taken, as Meta documents no check.
 */
function parseContext(ctx: GraphContext, params: Params, group: StoredGroup | undefined): string | undefined {
  const context = optionalObjectParam(params, 'context');
  if (!context) return undefined;
  const messageId = context.message_id;
  if (typeof messageId !== 'string' || messageId.length === 0) throw requiredParameter('context.message_id');
  if (group) {
    const quoted = ctx.messages.get(messageId);
    if (!quoted || quoted.groupId !== group.id || !quoted.pinnable) {
      throw parameterNotValid(`context.message_id ${messageId} is not a message of this group.`);
    }
  }
  return messageId;
}
