import { createHmac, randomBytes } from 'node:crypto';
import type { GraphCredentials } from './client.js';

/**
 * Made at start-up: what the process keeps about a caller (its share of the upstream slots, the
 * read mechanisms the Graph API refused it) is keyed by an HMAC of the token under this key, so
 * neither the token nor a guessable hash of it is kept.
 */
const KEY = randomBytes(32);
const fingerprints = new WeakMap<GraphCredentials, string>();

/** The caller's token fingerprint: one HMAC per credentials object, i.e. per GraphQL request. */
export function fingerprintOf(credentials: GraphCredentials): string {
  let fingerprint = fingerprints.get(credentials);
  if (fingerprint === undefined) {
    fingerprint = createHmac('sha256', KEY).update(credentials.token).digest('base64url').slice(0, 22);
    fingerprints.set(credentials, fingerprint);
  }
  return fingerprint;
}
