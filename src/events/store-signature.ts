import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * MACs of what the gateway keeps in Redis (stored events, the write ledger), under a key every
 * replica shares and Redis never sees: whoever can write to Redis cannot add an event or grant a
 * token another tenant's events. HMAC-SHA256, base64url, compared in constant time.
 */
export class StoreSignature {
  constructor(private readonly key: Buffer) {}

  sign(text: string): string {
    return createHmac('sha256', this.key).update(text).digest('base64url');
  }

  verify(text: string, mac: unknown): boolean {
    if (typeof mac !== 'string') return false;
    const expected = Buffer.from(this.sign(text));
    const given = Buffer.from(mac);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
