/**
 * Finding a group on behalf of a token. A group the token may not see answers exactly
 * like a group that does not exist (§4.2 131041: "not found or you are not a member").
 */
import { graphError, objectNotFound, type GraphError } from './graph-errors.js';
import type { GraphContext } from './graph-call.js';
import type { StoredGroup } from './store.js';

export function findVisibleGroup(ctx: GraphContext, token: string, id: string): StoredGroup | undefined {
  return ctx.tokens.canSee(token, id) ? ctx.store.get(id) : undefined;
}

export function requireVisibleGroup(ctx: GraphContext, token: string, id: string, method: string): StoredGroup {
  const group = findVisibleGroup(ctx, token, id);
  if (!group) throw unknownGroup(ctx, id, method);
  return group;
}

/** §4.3 UNCERTAIN which envelope real Meta gives; the option picks one. */
export function unknownGroup(ctx: GraphContext, id: string, method: string): GraphError {
  return ctx.config.unknownGroupError === '100/33' ? objectNotFound(method, id) : graphError('groupUnknown');
}
