import { hash } from 'node:crypto';
import type { GraphRoute } from './route.js';

/**
 * What a Graph throttling code closes, as Meta scopes it (notes §4.4, Meta "Rate limits",
 * "Error codes", Groups API "Error codes"):
 * - `app`: the app / business account behind the token (4, 17, 32, 613 call limits; 80007 WABA;
 *   80008 business use case);
 * - `phone_number`: the business phone number's throughput (130429);
 * - `pair`: one business phone number and one recipient (131056);
 * - `group`: one group (131208).
 */
export const THROTTLE_SCOPES = ['app', 'phone_number', 'pair', 'group'] as const;
export type ThrottleScope = (typeof THROTTLE_SCOPES)[number];

const SCOPE_OF_CODE: ReadonlyMap<number, ThrottleScope> = new Map([
  [4, 'app'],
  [17, 'app'],
  [32, 'app'],
  [613, 'app'],
  [80007, 'app'],
  [80008, 'app'],
  [130429, 'phone_number'],
  [131056, 'pair'],
  [131208, 'group'],
]);

export function throttleScopeOf(code: number | undefined): ThrottleScope | undefined {
  return code === undefined ? undefined : SCOPE_OF_CODE.get(code);
}

/** One closable scope of one caller: `key` names it in the memory (no token, no recipient in clear). */
export interface ScopeKey {
  scope: ThrottleScope;
  key: string;
}

/**
 * The scopes a call falls under: always its caller's app, plus the phone number, the
 * phone-number–recipient pair and the group its route names. Every key starts with the caller's
 * token fingerprint: a throttle seen by one token never refuses another token's calls (another
 * tenant may share nothing with it, and must not learn about it).
 * A batched read's slots are not looked at here: the reader asks for each slot (graph-reader.ts).
 */
export function scopeKeysOf(route: GraphRoute, fingerprint: string): ScopeKey[] {
  const keys: ScopeKey[] = [{ scope: 'app', key: `app:${fingerprint}` }];
  const { phoneNumberId, recipient, groupId } = route;
  if (phoneNumberId !== undefined) {
    keys.push({ scope: 'phone_number', key: `phone_number:${fingerprint}:${encodeURIComponent(phoneNumberId)}` });
    if (recipient !== undefined) keys.push({ scope: 'pair', key: `pair:${fingerprint}:${encodeURIComponent(phoneNumberId)}:${recipientDigest(recipient)}` });
  }
  if (groupId !== undefined) keys.push({ scope: 'group', key: `group:${fingerprint}:${encodeURIComponent(groupId)}` });
  return keys;
}

/** The key a throttling answer to this call closes; undefined when its route does not name what the code is about. */
export function closedScopeKey(route: GraphRoute, fingerprint: string, code: number | undefined): ScopeKey | undefined {
  const scope = throttleScopeOf(code);
  return scope && scopeKeysOf(route, fingerprint).find((key) => key.scope === scope);
}

/** A recipient is a person's phone number or user id: kept as a digest, never in clear. */
function recipientDigest(recipient: string): string {
  return hash('sha256', recipient, 'base64url').slice(0, 22);
}

/**
 * How long a scope stays closed when the answer says nothing (no `estimated_time_to_regain_access`,
 * no `Retry-After`): `base × 4^(strikes − 1)` seconds, bounded by THROTTLE_MAX_WAIT_SECONDS, where
 * `strikes` counts the throttles of that scope in a row (the count is forgotten
 * STRIKE_MEMORY_SECONDS after the last wait ends).
 * - `pair`: Meta's own advice for 131056, "retry after 4^X seconds" with X from 0: 1, 4, 16, 64 s …
 * - `phone_number`, `group`: ASSUMPTION: the same as the pair (throughput is per second; Meta
 *   documents no wait for 131208).
 * - `app`: ASSUMPTION: 60 s, then 4, 16 minutes …: app and business limits are counted over an
 *   hour, so a second's pause would only spend the next call.
 */
export const BACKOFF_BASE_SECONDS: Readonly<Record<ThrottleScope, number>> = { app: 60, phone_number: 1, pair: 1, group: 1 };

/** How long the strikes of a scope are remembered after its wait ends. */
export const STRIKE_MEMORY_SECONDS = 10 * 60;
/** Strikes counted at most (4^12 s is far past any wait bound). */
const MAX_STRIKES = 12;

export function backoffSeconds(scope: ThrottleScope, strikes: number, maxWaitSeconds: number): number {
  const n = Math.min(Math.max(1, Math.floor(strikes)), MAX_STRIKES);
  return Math.min(maxWaitSeconds, BACKOFF_BASE_SECONDS[scope] * 4 ** (n - 1));
}

/** What a refusal says about the scope it names. */
export const SCOPE_WORDS: Readonly<Record<ThrottleScope, string>> = {
  app: "this token's app or business account",
  phone_number: 'this phone number',
  pair: 'this phone number and recipient',
  group: 'this group',
};
