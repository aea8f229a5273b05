/**
 * Writes: update settings `POST /{group-id}` (§1.4, picture via multipart) and
 * `DELETE /{group-id}` (§1.5). Changes apply at once, so the next read shows them.
 */
import { graphError, invalidParameter } from './graph-errors.js';
import { ok, type GraphAnswer, type GraphCall, type GraphContext } from './graph-call.js';
import { requireVisibleGroup } from './group-access.js';
import { newRequestId } from './ids.js';
import { validatePicture } from './picture.js';
import type { Params } from './params.js';
import { BUSINESS_PHONE, type GroupPatch, type StoredGroup } from './store.js';

/** §1.4, §3. */
const SUBJECT_MAX = 128;
const DESCRIPTION_MAX = 2048;

export function updateGroup(ctx: GraphContext, call: GraphCall, id: string): GraphAnswer {
  const group = requireVisibleGroup(ctx, call.token, id, call.method);
  requireMessagingProduct(call.params);
  const patch: GroupPatch = { ...subjectPatch(call.params), ...descriptionPatch(call.params) };
  if (typeof call.params.get('profile_picture_file') === 'string') {
    // ASSUMPTION: REF documents this JSON field as "path to a local file", which a remote
    // server cannot read; the emulator asks for a multipart upload instead.
    throw invalidParameter('profile_picture_file must be uploaded as a multipart/form-data file part.');
  }
  if (call.file) patch.picture = validatePicture(call.file);
  refuseIfSuspended(group);
  // ASSUMPTION: other parameters (e.g. join_approval_mode) are ignored, as Graph ignores unknown params.
  ctx.store.update(id, patch);
  const requestId = newRequestId();
  ctx.webhooks.notify('group_settings_update', BUSINESS_PHONE, settingsUpdateItem(id, requestId, patch, 'description' in patch));
  return writeAnswer(ctx.config.updateResponse, requestId);
}

export function deleteGroup(ctx: GraphContext, call: GraphCall, id: string): GraphAnswer {
  const group = requireVisibleGroup(ctx, call.token, id, call.method);
  // §1.5: DELETE has no body, so messaging_product is not required here.
  refuseIfSuspended(group);
  ctx.store.delete(id);
  const requestId = newRequestId();
  ctx.webhooks.notify('group_lifecycle_update', BUSINESS_PHONE, { timestamp: nowSeconds(), group_id: id, type: 'group_delete', request_id: requestId });
  return writeAnswer(ctx.config.deleteResponse, requestId);
}

/**
 * §1.4/§1.5 UNCERTAIN: `{"success":true}` (SPEC) or a `request_id` (pywa).
 * ASSUMPTION: the webhook carries a request_id even when the answer was `{"success":true}`.
 */
function writeAnswer(shape: 'success' | 'request_id', requestId: string): GraphAnswer {
  return ok(shape === 'success' ? { success: true } : { request_id: requestId });
}

/** §7 `group_settings_update`: one entry per setting the call changed, each successful (refusals answer at once instead). */
function settingsUpdateItem(groupId: string, requestId: string, patch: GroupPatch, descriptionChanged: boolean): Record<string, unknown> {
  const item: Record<string, unknown> = { timestamp: nowSeconds(), group_id: groupId, type: 'group_settings_update', request_id: requestId };
  if (patch.subject !== undefined) item.group_subject = { text: patch.subject, update_successful: true };
  // ASSUMPTION: a cleared description is reported with empty text.
  if (descriptionChanged) item.group_description = { text: patch.description ?? '', update_successful: true };
  if (patch.picture) item.profile_picture = { mime_type: patch.picture.mimeType, sha256: patch.picture.sha256, update_successful: true };
  return item;
}

/** §7: samples quote the timestamp; the sandbox sends it as a string of Unix seconds, as they do. */
function nowSeconds(): string {
  return String(Math.floor(Date.now() / 1000));
}

/** §9: every documented write body carries `messaging_product: "whatsapp"`. */
function requireMessagingProduct(params: Params): void {
  const value = params.get('messaging_product');
  if (value === undefined || value === '') throw graphError('messagingProductRequired');
  if (value !== 'whatsapp') throw invalidParameter('Param messaging_product must be "whatsapp".');
}

/** Subject: trimmed, non-empty, at most 128 characters (§1.4). */
function subjectPatch(params: Params): GroupPatch {
  const value = params.get('subject');
  if (value === undefined) return {};
  if (typeof value !== 'string') throw invalidParameter('Param subject must be a string.');
  const subject = value.trim();
  if (subject.length === 0) throw invalidParameter('Param subject must not be empty.');
  // ASSUMPTION: "characters" counted as Unicode code points.
  if ([...subject].length > SUBJECT_MAX) {
    throw invalidParameter(`Param subject must be at most ${SUBJECT_MAX} characters long.`);
  }
  return { subject };
}

/** Description: at most 2048 characters (§1.4). ASSUMPTION: an empty one clears it. */
function descriptionPatch(params: Params): GroupPatch {
  const value = params.get('description');
  if (value === undefined) return {};
  if (typeof value !== 'string') throw invalidParameter('Param description must be a string.');
  if ([...value].length > DESCRIPTION_MAX) {
    throw invalidParameter(`Param description must be at most ${DESCRIPTION_MAX} characters long.`);
  }
  return { description: value === '' ? undefined : value };
}

/** §4.2: 131207, HTTP 403. ASSUMPTION: checked after the parameters, and deletes are refused too. */
function refuseIfSuspended(group: StoredGroup): void {
  if (group.suspended) throw graphError('groupSuspended');
}
