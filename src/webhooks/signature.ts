import { createHmac, timingSafeEqual, type Hmac } from 'node:crypto';

const HEADER_SHAPE = /^sha256=([0-9a-f]{64})$/i;

/**
 * Meta signs each webhook POST with `X-Hub-Signature-256: sha256=<hex>`, the HMAC-SHA256 of the raw
 * body bytes keyed with the app secret. The HMAC is over the bytes as received (Meta escapes
 * non-ASCII as `\uXXXX`), never over re-serialised JSON, computed as the chunks arrive and compared
 * in constant time.
 */
export class SignatureCheck {
  readonly #hmac: Hmac;

  private constructor(
    appSecret: string,
    private readonly claimed: Buffer,
  ) {
    this.#hmac = createHmac('sha256', appSecret);
  }

  /** Undefined when the header is missing or not `sha256=` and 64 hex digits: nothing is worth reading then. */
  static of(header: string | string[] | undefined, appSecret: string): SignatureCheck | undefined {
    const match = typeof header === 'string' ? HEADER_SHAPE.exec(header.trim()) : null;
    return match?.[1] ? new SignatureCheck(appSecret, Buffer.from(match[1], 'hex')) : undefined;
  }

  update(chunk: Buffer): void {
    this.#hmac.update(chunk);
  }

  /** Once every chunk went through `update`. */
  matches(): boolean {
    return timingSafeEqual(this.#hmac.digest(), this.claimed);
  }
}
