/**
 * `POST /{phone-number-id}/media`: a multipart upload (`file`, `type` = its MIME type,
 * `messaging_product=whatsapp`) answered `{"id": "<media id>"}`; messages then name the id.
 * The type must be one Cloud API supports and the file within that type's limit (media-store.ts).
 * The bytes stream through a hash and are not kept, so a 100 MB document costs no memory.
 */
import { BODY_MAX_BYTES, type UploadRule } from './body.js';
import { graphError, requiredParameter } from './graph-errors.js';
import { ok, type GraphAnswer, type GraphCall, type GraphContext } from './graph-call.js';
import { requireOwnPhoneNumber } from './group-access.js';
import { MEDIA_MAX_BYTES, MEDIA_TYPES } from './media-store.js';
import { stringParam } from './params.js';
import { requireMessagingProduct } from './write-rules.js';

/** The file part is `file` (Cloud API media reference); none of it is kept. */
export const MEDIA_UPLOAD: UploadRule = {
  parts: new Set(['file']),
  maxFileBytes: MEDIA_MAX_BYTES,
  keepBytes: 0,
  hardMaxBytes: MEDIA_MAX_BYTES + BODY_MAX_BYTES,
};

export function uploadMedia(ctx: GraphContext, call: GraphCall): GraphAnswer {
  const phone = requireOwnPhoneNumber(ctx, call.token, call.segments[0] ?? '', call.method);
  requireMessagingProduct(call.params);
  const file = call.file;
  if (!file) throw requiredParameter('file');
  // ASSUMPTION: the `type` parameter decides (the part's own Content-Type is not compared; Meta's
  // reference requires `type`), and parameters such as `; codecs=opus` are ignored.
  const declared = stringParam(call.params, 'type');
  if (declared === undefined || declared === '') throw requiredParameter('type');
  const mimeType = declared.split(';')[0]!.trim().toLowerCase();
  const spec = MEDIA_TYPES[mimeType];
  if (!spec) {
    throw graphError('mediaUploadError', { details: `Unsupported media type ${mimeType}. Supported: ${Object.keys(MEDIA_TYPES).join(', ')}.` });
  }
  if (file.truncated || file.size > spec.maxBytes) {
    throw graphError('mediaUploadError', { details: `A ${spec.kind} file (${mimeType}) must be at most ${spec.maxBytes} bytes.` });
  }
  if (file.size === 0) throw graphError('mediaUploadError', { details: 'The file is empty.' });
  const media = ctx.media.add({ phoneNumberId: phone.id, mimeType, size: file.size, sha256: file.sha256 });
  return ok({ id: media.id });
}
