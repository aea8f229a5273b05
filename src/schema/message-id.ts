import { GatewayError } from '../errors.js';

/** Message ids are `wamid.` plus base64 (Meta's examples are ~60 characters); 256 bounds anything plausible. */
const MESSAGE_ID = /^[A-Za-z0-9._=+/-]{1,256}$/;
/** Media ids are digits in Meta's examples; the Graph id alphabet is accepted. */
const MEDIA_ID = /^[A-Za-z0-9_=+-]{1,256}$/;

/** Refuses what cannot be a WhatsApp message id (`wamid.…`), before any upstream call. */
export function assertMessageId(id: string, name = 'messageId'): string {
  if (!MESSAGE_ID.test(id)) throw new GatewayError('BAD_USER_INPUT', `Invalid ${name}: a WhatsApp message id (like "wamid.HBgL…") has 1 to 256 letters, digits and . _ = + / -`);
  return id;
}

/** Refuses what cannot be a media id (the `id` of `POST /{phone-number-id}/media`). */
export function assertMediaId(id: string): string {
  if (!MEDIA_ID.test(id)) throw new GatewayError('BAD_USER_INPUT', 'Invalid mediaId: a media id has 1 to 256 letters, digits and _ = + -');
  return id;
}
