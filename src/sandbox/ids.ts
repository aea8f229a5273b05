/**
 * Meta-style identifiers, shaped like the examples in Meta's Groups reference and webhooks
 * docs (see docs/graph-api-facts.md, "Ids").
 */
import { createHash, randomBytes } from 'node:crypto';
import { randomDigits, type Random } from './random.js';

/**
 * Meta's escaping of base64 inside ids: `Z` → `ZA`, `=` → `ZD` (derived from the
 * documented examples, which decode to `capi_group:<phone>:<jid>`).
 */
export function metaEscapeBase64(base64: string): string {
  return base64.replace(/[Z=]/g, (c) => (c === 'Z' ? 'ZA' : 'ZD'));
}

export function metaUnescapeBase64(escaped: string): string {
  return escaped.replace(/Z[AD]/g, (s) => (s === 'ZA' ? 'Z' : '='));
}

/** A group id as Meta prints it: base64 of `capi_group:<business phone>:<120363… JID>`. */
export function encodeGroupId(businessPhone: string, jid: string): string {
  return metaEscapeBase64(Buffer.from(`capi_group:${businessPhone}:${jid}`).toString('base64'));
}

export function decodeGroupId(id: string): { businessPhone: string; jid: string } | undefined {
  const text = Buffer.from(metaUnescapeBase64(id), 'base64').toString('utf8');
  const match = /^capi_group:(\d+):(\d+)$/.exec(text);
  if (!match?.[1] || !match[2]) return undefined;
  return { businessPhone: match[1], jid: match[2] };
}

/** WhatsApp group JIDs look like `120363xxxxxxxxxxxx@g.us`; we keep the number part. */
export function randomGroupJid(random: Random): string {
  return `120363${randomDigits(random, 12)}`;
}

/** `fbtrace_id`s look like `Az8or2yhqkZfEZ-_4Qn_Bam` (WhatsApp error codes example): 23 base64url characters. */
export function newFbtraceId(): string {
  return randomBytes(18).toString('base64url').slice(0, 23);
}

/** `request_id`s look like `784D93D0C468593037EA0B1ECA245D9C` (Groups webhooks examples): 32 upper-case hex. */
export function newRequestId(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}

/** What the request log keeps instead of a token: never the token itself. */
export function tokenFingerprint(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 8);
}

const INVITE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Invite link codes: WhatsApp's are 22 letters and digits (`https://chat.whatsapp.com/<code>`). */
export function newInviteCode(random: Random): string {
  let code = '';
  for (let i = 0; i < 22; i++) code += INVITE_ALPHABET[Math.floor(random() * INVITE_ALPHABET.length)];
  return code;
}

export const INVITE_LINK_PREFIX = 'https://chat.whatsapp.com/';

/** Meta's cursors are base64 of a small JSON object, escaped like ids (`=` → `ZD`, `Z` → `ZA`). */
export function encodeCursor(value: Record<string, unknown>): string {
  return metaEscapeBase64(Buffer.from(JSON.stringify(value)).toString('base64'));
}

/** The cursor's object, or undefined when it is not one of ours. */
export function decodeCursor(cursor: string): Record<string, unknown> | undefined {
  try {
    // A `+` sent unencoded in a query string arrives as a space.
    const base64 = metaUnescapeBase64(cursor.replaceAll(' ', '+'));
    const value: unknown = JSON.parse(Buffer.from(base64, 'base64').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
