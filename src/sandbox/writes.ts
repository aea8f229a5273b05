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
  const requestId = newRequestId();
  ctx.webhooks.notify('group_settings_update', group.phoneNumberId, settingsUpdateItem(id, requestId, patch, 'description' in patch));
  return writeAnswer(ctx.config.updateResponse, requestId);
}

export function deleteGroup(ctx: GraphContext, call: GraphCall): GraphAnswer {
  const id = call.segments[0] ?? '';
  const group = requireVisibleGroup(ctx, call.token, id, call.method);
  // DELETE has no body, so messaging_product is not required here.
  refuseIfSuspended(group);
  ctx.store.delete(id);
  const requestId = newRequestId();
  ctx.webhooks.notify('group_lifecycle_update', group.phoneNumberId, { timestamp: nowSeconds(), group_id: id, type: 'group_delete', request_id: requestId });
  return writeAnswer(ctx.config.deleteResponse, requestId);
}

/**
 * Meta's docs disagree: `{"success":true}` (OpenAPI spec) or a `request_id` (pywa); an option picks.
 * ASSUMPTION: the webhook carries a request_id even when the answer was `{"success":true}`.
 */
function writeAnswer(shape: 'success' | 'request_id', requestId: string): GraphAnswer {
  return ok(shape === 'success' ? { success: true } : { request_id: requestId });
}

/** `group_settings_update` (Meta's "Webhooks for Groups API"): one entry per setting the call changed, each successful (refusals answer at once instead). */
function settingsUpdateItem(groupId: string, requestId: string, patch: GroupPatch, descriptionChanged: boolean): Record<string, unknown> {
  const item: Record<string, unknown> = { timestamp: nowSeconds(), group_id: groupId, type: 'group_settings_update', request_id: requestId };
  if (patch.subject !== undefined) item.group_subject = { text: patch.subject, update_successful: true };
  // ASSUMPTION: a cleared description is reported with empty text.
  if (descriptionChanged) item.group_description = { text: patch.description ?? '', update_successful: true };
  if (patch.picture) item.profile_picture = { mime_type: patch.picture.mimeType, sha256: patch.picture.sha256, update_successful: true };
  return item;
}

/** Meta's samples quote the timestamp; the sandbox sends it as a string of Unix seconds, as they do. */
function nowSeconds(): string {
  return String(Math.floor(Date.now() / 1000));
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
