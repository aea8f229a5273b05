import type { UpstreamGate } from './client.js';
import { UpstreamError } from './errors.js';
import type { GraphRoute } from './route.js';
import { SCOPE_WORDS, backoffSeconds, closedScopeKey, scopeKeysOf, type ScopeKey, type ThrottleScope } from './throttle-scopes.js';
import { LocalThrottleStore, type ClosedScope, type SharedThrottleStore } from './throttle-store.js';

export interface ThrottleMemoryOptions {
  /** Longest wait remembered, whatever the answer said (THROTTLE_MAX_WAIT_SECONDS). */
  maxWaitSeconds: number;
  /** With REDIS_URL: what every replica saw (redis-throttle-store.ts). */
  shared?: SharedThrottleStore | undefined;
  /** Told of each call refused, by scope (metrics: no tenant label). */
  onRefusal?: ((scope: ThrottleScope) => void) | undefined;
  now?: () => number;
}

interface Found extends ClosedScope {
  scope: ThrottleScope;
}

/**
 * Throttle memory shared by replicas (issue 19 item 5): when the Graph API throttles a scope (the
 * app behind a token, a phone number, a phone-number–recipient pair, a group: throttle-scopes.ts),
 * further calls in that scope are answered RATE_LIMITED with the remaining wait in
 * `retryAfterSeconds`, without calling upstream, until the wait is over: calling on would only
 * prolong the block. The wait is the answer's `estimated_time_to_regain_access` (or `Retry-After`)
 * where present, else a backoff per scope (BACKOFF_BASE_SECONDS).
 *
 * Each replica keeps what it saw; with Redis every replica also sees what the others saw. Redis
 * unreachable or slow: a replica knows only what it saw itself (fewer refusals, never a wrong one).
 */
export class ThrottleMemory implements UpstreamGate {
  readonly #local: LocalThrottleStore;

  constructor(private readonly options: ThrottleMemoryOptions) {
    this.#local = new LocalThrottleStore(options.now);
  }

  async refusals(routes: readonly GraphRoute[], fingerprint: string): Promise<(UpstreamError | undefined)[]> {
    const keysPerRoute = routes.map((route) => scopeKeysOf(route, fingerprint));
    const found = keysPerRoute.map((keys) => longest(keys, (key) => this.#local.closed(key.key)));
    const shared = this.options.shared;
    if (shared && found.some((f) => f === undefined)) {
      const unknown = [...new Set(keysPerRoute.flatMap((keys, i) => (found[i] ? [] : keys.map((k) => k.key))))];
      const answers = await shared.closed(unknown).catch(() => undefined);
      if (answers) {
        const byKey = new Map(unknown.map((key, i) => [key, answers[i]]));
        keysPerRoute.forEach((keys, i) => (found[i] ??= longest(keys, (key) => byKey.get(key.key))));
      }
    }
    return found.map((closed) => closed && this.#refusal(closed));
  }

  async learn(route: GraphRoute, fingerprint: string, error: UpstreamError): Promise<UpstreamError> {
    if (error.code !== 'RATE_LIMITED') return error;
    const closed = closedScopeKey(route, fingerprint, error.graph?.code);
    if (!closed) return error;
    const { maxWaitSeconds, shared } = this.options;
    let strikes = this.#local.strike(closed.key);
    if (shared) strikes = await shared.strike(closed.key).catch(() => strikes);
    const told = error.retryAfterSeconds;
    const seconds = told !== undefined && told > 0 ? Math.min(Math.ceil(told), maxWaitSeconds) : backoffSeconds(closed.scope, strikes, maxWaitSeconds);
    const code = error.graph?.code;
    this.#local.close(closed.key, seconds * 1000, code, strikes);
    await shared?.close(closed.key, seconds * 1000, code).catch(() => undefined);
    return seconds === told ? error : new UpstreamError(error.code, error.message, error.graph, seconds, error.transient, error.answer);
  }

  close(): void {
    this.options.shared?.disconnect();
  }

  #refusal({ scope, remainingMs, code }: Found): UpstreamError {
    this.options.onRefusal?.(scope);
    const seconds = Math.max(1, Math.ceil(remainingMs / 1000));
    const by = code === undefined ? '' : ` (code ${code})`;
    return new UpstreamError(
      'RATE_LIMITED',
      `The Graph API throttled ${SCOPE_WORDS[scope]}${by}; the gateway does not call it again for ${seconds} s`,
      undefined,
      seconds,
    );
  }
}

/** The closed scope with the longest wait among `keys`, if any. */
function longest(keys: readonly ScopeKey[], closed: (key: ScopeKey) => ClosedScope | undefined): Found | undefined {
  let found: Found | undefined;
  for (const key of keys) {
    const c = closed(key);
    if (c && (!found || c.remainingMs > found.remainingMs)) found = { ...c, scope: key.scope };
  }
  return found;
}
