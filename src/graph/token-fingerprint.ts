import { hash } from 'node:crypto';

/**
 * A token as a key that cannot be turned back into the token: what the gateway keeps about a
 * caller (its share of the upstream slots, the read mechanisms the Graph API refused it, the writes
 * it made and the groups it may read) is keyed by this, never by the token. Tokens are long random
 * strings, so their SHA-256 cannot be guessed back; the same token gives the same fingerprint on
 * every replica (the events module keeps it in Redis).
 */
export function tokenFingerprint(token: string): string {
  return hash('sha256', token, 'base64url').slice(0, 32);
}

/** A caller's credentials as far as a fingerprint goes (GraphClient's GraphCredentials is one). */
export interface TokenHolder {
  readonly token: string;
  /** tokenFingerprint(token), when the caller has computed it already. */
  readonly fingerprint?: string | undefined;
}

const fingerprints = new WeakMap<TokenHolder, string>();

/** The caller's fingerprint: the one the context computed for the request, else computed once per credentials object. */
export function fingerprintOf(credentials: TokenHolder): string {
  if (credentials.fingerprint !== undefined) return credentials.fingerprint;
  let fingerprint = fingerprints.get(credentials);
  if (fingerprint === undefined) {
    fingerprint = tokenFingerprint(credentials.token);
    fingerprints.set(credentials, fingerprint);
  }
  return fingerprint;
}
