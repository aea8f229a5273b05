/**
 * Finding a group or a phone number on behalf of a token. A group the token may not see
 * answers exactly like a group that does not exist (131041: "not found or you are not a
 * member"); a phone number it does not manage, exactly like one that does not exist.
 */
import { graphError, objectNotFound, type GraphError } from './graph-errors.js';
import type { GraphContext } from './graph-call.js';
import type { PhoneNumber, StoredGroup } from './store.js';

/** Visible when granted by id or owned by one of the token's phone numbers. */
export function findVisibleGroup(ctx: GraphContext, token: string, id: string): StoredGroup | undefined {
  const group = ctx.store.get(id);
  if (!group) return undefined;
  const visible = ctx.tokens.canSee(token, id) || ctx.tokens.ownsPhoneNumber(token, group.phoneNumberId);
  return visible ? group : undefined;
}

export function requireVisibleGroup(ctx: GraphContext, token: string, id: string, method: string): StoredGroup {
  const group = findVisibleGroup(ctx, token, id);
  if (!group) throw unknownGroup(ctx, id, method);
  return group;
}

/** Which envelope real Meta gives is uncertain (131041 vs 100/33); the option picks one. */
export function unknownGroup(ctx: GraphContext, id: string, method: string): GraphError {
  return ctx.config.unknownGroupError === '100/33' ? objectNotFound(method, id) : graphError('groupUnknown');
}

/** ASSUMPTION: a phone number the token does not manage is Graph's generic 100/33 "cannot be loaded". */
export function requireOwnPhoneNumber(ctx: GraphContext, token: string, id: string, method: string): PhoneNumber {
  const phone = ctx.store.phoneNumber(id);
  if (!phone || !ctx.tokens.ownsPhoneNumber(token, id)) throw objectNotFound(method, id);
  return phone;
}
