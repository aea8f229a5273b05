/**
 * Writes: update settings `POST /{group-id}` (picture via multipart) and
 * `DELETE /{group-id}`. Changes apply at once, so the next read shows them.
 */
import { invalidParameter } from './graph-errors.js';
import { ok, type GraphAnswer, type GraphCall, type GraphContext } from './graph-call.js';
import { requireVisibleGroup } from './group-access.js';
import { newRequestId } from './ids.js';
import { validatePicture } from './picture.js';
import type { Params } from './params.js';
import type { GroupPatch } from './store.js';
import { parseDescription, parseSubject, refuseIfSuspended, requireMessagingProduct } from './write-rules.js';

export function updateGroup(ctx: GraphContext, call: GraphCall): GraphAnswer {
  const id = call.segments[0] ?? '';
  const group = requireVisibleGroup(ctx, call.token, id, call.method);
  requireMessagingProduct(call.params);
  const patch: GroupPatch = textPatch(call.params);
  if (typeof call.params.get('profile_picture_file') === 'string') {
    // ASSUMPTION: Meta's reference documents this JSON field as "path to a local file", which a remote
    // server cannot read; the emulator asks for a multipart upload instead.
    throw invalidParameter('profile_picture_file must be uploaded as a multipart/form-data file part.');
  }
  if (call.file) patch.picture = validatePicture(call.file);
  refuseIfSuspended(group);
  // ASSUMPTION: other parameters (e.g. join_approval_mode) are ignored, as Graph ignores unknown params.
  ctx.store.update(id, patch);
  return writeAnswer(ctx.config.updateResponse);
}

export function deleteGroup(ctx: GraphContext, call: GraphCall): GraphAnswer {
  const id = call.segments[0] ?? '';
  const group = requireVisibleGroup(ctx, call.token, id, call.method);
  // DELETE has no body, so messaging_product is not required here.
  refuseIfSuspended(group);
  ctx.store.delete(id);
  return writeAnswer(ctx.config.deleteResponse);
}

/** Meta's docs disagree: `{"success":true}` (OpenAPI spec) or a `request_id` (pywa); an option picks. */
function writeAnswer(shape: 'success' | 'request_id'): GraphAnswer {
  return ok(shape === 'success' ? { success: true } : { request_id: newRequestId() });
}

/** An empty description clears it (ASSUMPTION). */
function textPatch(params: Params): GroupPatch {
  const subject = parseSubject(params);
  const description = parseDescription(params);
  return {
    ...(subject !== undefined && { subject }),
    ...(description !== undefined && { description: description === '' ? undefined : description }),
  };
}
