import { GatewayError } from '../errors.js';
import type { GatewayMetrics } from '../observability/metrics.js';

/** How long a token's access to a group, once checked upstream, is trusted. */
const ACCESS_TTL_MS = 60_000;
/** Checks remembered per process; the oldest go first. */
const CAPACITY = 50_000;

/** Answers that mean "this token cannot read this group" (others, like an outage, are not remembered). */
const DEFINITE_REFUSALS = new Set(['NOT_FOUND', 'FORBIDDEN', 'UNAUTHENTICATED', 'BAD_USER_INPUT']);

/**
 * Whether a token can read a group, asked upstream at most once per token and group per minute in
 * this process, however many subscriptions that token has and however many events arrive.
 *
 * A token the Graph API refuses outright (UNAUTHENTICATED: unknown, expired, revoked) is remembered
 * as such for the same minute: its checks then throw at once, with no upstream call, so a made-up
 * token replaying a thousand stored events of a thousand groups costs one call, not a thousand.
 */
export class ReadAccessCache {
  readonly #checks = new Map<string, { expires: number; allowed: Promise<boolean> }>();
  readonly #refusedTokens = new Map<string, number>();

  constructor(private readonly metrics?: GatewayMetrics) {}

  /** Throws UNAUTHENTICATED when the Graph API refused this token within the last minute. */
  assertTokenNotRefused(fingerprint: string): void {
    const expires = this.#refusedTokens.get(fingerprint);
    if (expires === undefined) return;
    if (expires > Date.now()) throw tokenRefused();
    this.#refusedTokens.delete(fingerprint);
  }

  /** Resolves whether the token can read the group; rejects with UNAUTHENTICATED when the token itself is refused. */
  canRead(fingerprint: string, groupId: string, readUpstream: () => Promise<unknown>): Promise<boolean> {
    this.assertTokenNotRefused(fingerprint);
    const key = `${fingerprint}:${groupId}`;
    const now = Date.now();
    const cached = this.#checks.get(key);
    const hit = cached !== undefined && cached.expires > now;
    this.metrics?.cacheLookup('event_access', hit);
    if (hit) return cached.allowed;
    const allowed = readUpstream().then(
      () => true,
      (error: unknown) => {
        if (error instanceof GatewayError && error.code === 'UNAUTHENTICATED') {
          this.#refusedTokens.delete(fingerprint);
          this.#refusedTokens.set(fingerprint, Date.now() + ACCESS_TTL_MS);
          while (this.#refusedTokens.size > CAPACITY) this.#refusedTokens.delete(this.#refusedTokens.keys().next().value!);
          throw tokenRefused();
        }
        // A transient failure is a "no" for this event only: the next event asks again.
        if (!(error instanceof GatewayError && DEFINITE_REFUSALS.has(error.code))) this.#checks.delete(key);
        return false;
      },
    );
    this.#checks.delete(key);
    this.#checks.set(key, { expires: now + ACCESS_TTL_MS, allowed });
    while (this.#checks.size > CAPACITY) this.#checks.delete(this.#checks.keys().next().value!);
    return allowed;
  }
}

function tokenRefused(): GatewayError {
  return new GatewayError('UNAUTHENTICATED', 'The Graph API refused this token: the subscription ended. Subscribe again with a valid token');
}
