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
 * this process, however many subscriptions that token has and however many events arrive, and at
 * most EVENT_ACCESS_CHECKS_PER_SECOND times per token per second (a replay through a thousand
 * groups the token cannot read is paced, not a burst of a thousand calls).
 *
 * A token the Graph API refuses outright (UNAUTHENTICATED: unknown, expired, revoked) is remembered
 * as such for the same minute: its checks then throw at once, with no upstream call, so a made-up
 * token replaying a thousand stored events of a thousand groups costs one call, not a thousand.
 */
export class ReadAccessCache {
  readonly #checks = new Map<string, { expires: number; allowed: Promise<boolean> }>();
  readonly #refusedTokens = new Map<string, number>();
  /** Upstream checks each token made in the current second. */
  readonly #spent = new Map<string, { second: number; checks: number }>();

  /**
   * @param checksPerSecond EVENT_ACCESS_CHECKS_PER_SECOND: upstream checks one token may cause per
   *   second; more wait for the next second (events of groups already checked are not held up).
   */
  constructor(
    private readonly metrics?: GatewayMetrics,
    private readonly checksPerSecond = 20,
  ) {}

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
    const allowed = this.#budget(fingerprint)
      // Another check may have found the token refused while this one waited.
      .then(() => this.assertTokenNotRefused(fingerprint))
      .then(readUpstream)
      .then(
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

  /** Resolves once the token may make one more upstream check this second. */
  async #budget(fingerprint: string): Promise<void> {
    for (;;) {
      const now = Date.now();
      const second = Math.floor(now / 1000);
      const spent = this.#spent.get(fingerprint);
      if (spent?.second !== second) {
        this.#spent.delete(fingerprint);
        this.#spent.set(fingerprint, { second, checks: 1 });
        while (this.#spent.size > CAPACITY) this.#spent.delete(this.#spent.keys().next().value!);
        return;
      }
      if (spent.checks < this.checksPerSecond) {
        spent.checks++;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, (second + 1) * 1000 - now));
    }
  }
}

function tokenRefused(): GatewayError {
  return new GatewayError('UNAUTHENTICATED', 'The Graph API refused this token: the subscription ended. Subscribe again with a valid token');
}
