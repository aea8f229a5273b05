import { createHmac, randomBytes } from 'node:crypto';

/** Turns a token into its fingerprint. */
export type TokenFingerprint = (token: string) => string;

/**
 * A token as a key that cannot be turned back into the token, nor computed from it without `key`:
 * what the gateway keeps about a caller (its share of the upstream slots, the read mechanisms the
 * Graph API refused it, the writes it made and the groups it may read) is keyed by this, never by
 * the token. HMAC-SHA256(key, token), base64url, first 32 characters (192 bits). Replicas that share
 * the key (see ReplicaKey) give the same token the same fingerprint, which is what the events module
 * keeps in Redis; whoever reads Redis without the key cannot test a guessed token against it.
 */
export function tokenFingerprinter(key: Buffer): TokenFingerprint {
  return (token) => createHmac('sha256', key).update(token).digest('base64url').slice(0, 32);
}

/** A caller's credentials as far as a fingerprint goes (GraphClient's GraphCredentials is one). */
export interface TokenHolder {
  readonly token: string;
  /** The fingerprint, when the request's context has computed it already. */
  readonly fingerprint?: string | undefined;
}

/** For credentials no request context fingerprinted: keyed per process (these never leave it). */
const processFingerprint = tokenFingerprinter(randomBytes(32));

const fingerprints = new WeakMap<TokenHolder, string>();

/** The caller's fingerprint: the one the context computed for the request, else computed once per credentials object. */
export function fingerprintOf(credentials: TokenHolder): string {
  if (credentials.fingerprint !== undefined) return credentials.fingerprint;
  let fingerprint = fingerprints.get(credentials);
  if (fingerprint === undefined) {
    fingerprint = processFingerprint(credentials.token);
    fingerprints.set(credentials, fingerprint);
  }
  return fingerprint;
}
