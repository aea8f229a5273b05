/**
 * `GET /{group-id}/invite_link` and `POST /{group-id}/invite_link` (reset): both answer
 * `{messaging_product, invite_link}`; a reset makes every earlier link stop working
 * (Groups reference, "Get group invite link" / "Reset group invite link").
 */
import { ok, type GraphAnswer, type GraphCall, type GraphContext } from './graph-call.js';
import { requireVisibleGroup } from './group-access.js';
import { INVITE_LINK_PREFIX } from './ids.js';
import { refuseIfSuspended, requireMessagingProduct } from './write-rules.js';

export function getInviteLink(ctx: GraphContext, call: GraphCall): GraphAnswer {
  const group = requireVisibleGroup(ctx, call.token, call.segments[0] ?? '', call.method);
  return ok({ messaging_product: 'whatsapp', invite_link: INVITE_LINK_PREFIX + group.inviteCode });
}

export function resetInviteLink(ctx: GraphContext, call: GraphCall): GraphAnswer {
  const group = requireVisibleGroup(ctx, call.token, call.segments[0] ?? '', call.method);
  requireMessagingProduct(call.params);
  refuseIfSuspended(group);
  const inviteCode = ctx.store.newInviteCode();
  ctx.store.update(group.id, { inviteCode });
  return ok({ messaging_product: 'whatsapp', invite_link: INVITE_LINK_PREFIX + inviteCode });
}
