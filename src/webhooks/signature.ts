import { createHmac, timingSafeEqual } from 'node:crypto';

const HEADER_SHAPE = /^sha256=([0-9a-f]{64})$/i;

/**
 * Meta signs each webhook POST with `X-Hub-Signature-256: sha256=<hex>`, the HMAC-SHA256 of the raw
 * body bytes keyed with the app secret. The HMAC is over the bytes as received (Meta escapes
 * non-ASCII as `\uXXXX`), never over re-serialised JSON; compared in constant time.
 */
export function hasValidSignature(rawBody: Buffer, header: string | undefined, appSecret: string): boolean {
  const match = header ? HEADER_SHAPE.exec(header.trim()) : null;
  if (!match?.[1]) return false;
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(match[1], 'hex'));
}
