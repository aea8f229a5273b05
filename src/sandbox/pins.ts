/**
 * Pinning in groups (Group messaging, "Pin and unpin group message"): a send of `type: "pin"`
 * with `pin: {type: "pin"|"unpin", message_id, expiration_days}`; `expiration_days` (1 to 30) is
 * required to pin. At most 3 messages are pinned; pinning a fourth unpins the oldest pin. Only
 * group admins may pin: the business is always its groups' admin here (ASSUMPTION). The answer
 * is a send's, with the operation's own message id.
 */
import { parameterNotValid, requiredParameter } from './graph-errors.js';
import type { GraphContext } from './graph-call.js';
import { objectParam } from './message-content.js';
import type { Params } from './params.js';
import type { PinnedMessage, StoredGroup } from './store.js';

export const MAX_PINNED = 3;
export const PIN_DAYS_MIN = 1;
export const PIN_DAYS_MAX = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Applies the pin or unpin; returns the operation's message id. */
export function pinOrUnpin(ctx: GraphContext, group: StoredGroup, params: Params): string {
  const pin = objectParam(params, 'pin');
  const operation = pin.type;
  if (operation === undefined) throw requiredParameter('pin.type');
  if (operation !== 'pin' && operation !== 'unpin') throw parameterNotValid('pin.type must be pin or unpin.');
  const messageId = pin.message_id;
  if (messageId === undefined) throw requiredParameter('pin.message_id');
  if (typeof messageId !== 'string' || !isMessageOf(ctx, group, messageId)) {
    throw parameterNotValid(`pin.message_id ${String(messageId)} is not a message of this group.`);
  }
  const now = Date.now();
  const pinned = group.pinned.filter((p) => p.expiresAt > now);
  const next = operation === 'pin'
    ? withPin(pinned, messageId, now, expirationDays(pin.expiration_days))
    : withoutPin(pinned, messageId);
  ctx.store.update(group.id, { pinned: next });
  const id = ctx.messages.newId();
  ctx.messages.add({ id, phoneNumberId: group.phoneNumberId, groupId: group.id, direction: 'outbound', pinnable: false, at: now });
  return id;
}

/** ASSUMPTION: pinning a pinned message renews its expiry and keeps its place. */
function withPin(pinned: PinnedMessage[], messageId: string, now: number, days: number): PinnedMessage[] {
  const entry: PinnedMessage = { messageId, pinnedAt: now, expiresAt: now + days * DAY_MS };
  const existing = pinned.findIndex((p) => p.messageId === messageId);
  if (existing >= 0) return pinned.map((p, i) => (i === existing ? { ...entry, pinnedAt: p.pinnedAt } : p));
  return [...pinned, entry].slice(-MAX_PINNED);
}

/** ASSUMPTION: unpinning a message that is not pinned is refused (131009) rather than ignored. */
function withoutPin(pinned: PinnedMessage[], messageId: string): PinnedMessage[] {
  if (!pinned.some((p) => p.messageId === messageId)) throw parameterNotValid(`Message ${messageId} is not pinned in this group.`);
  return pinned.filter((p) => p.messageId !== messageId);
}

/** Meta's table types it Integer but its sample quotes it: both forms are taken. */
function expirationDays(value: unknown): number {
  if (value === undefined) throw requiredParameter('pin.expiration_days');
  const days = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof days !== 'number' || !Number.isInteger(days) || days < PIN_DAYS_MIN || days > PIN_DAYS_MAX) {
    throw parameterNotValid(`pin.expiration_days must be an integer from ${PIN_DAYS_MIN} to ${PIN_DAYS_MAX}.`);
  }
  return days;
}

/** Messages sent to or written in this group; not pin operations, not other groups' messages. */
function isMessageOf(ctx: GraphContext, group: StoredGroup, messageId: string): boolean {
  const message = ctx.messages.get(messageId);
  return message !== undefined && message.groupId === group.id && message.pinnable;
}
