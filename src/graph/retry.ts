import type { UpstreamError } from './errors.js';

/**
 * When and how often a read is tried again. Writes are never retried: a Graph write whose answer
 * was lost may have happened, and a second one could apply twice.
 */
export interface RetryPolicy {
  /** Extra attempts after the first (UPSTREAM_RETRIES). */
  retries: number;
  /** First backoff ceiling; doubles each attempt ("full jitter": the delay is uniform in [0, ceiling]). */
  baseDelayMs: number;
  /** Largest backoff ceiling. */
  maxDelayMs: number;
  /**
   * A retry is only started when at least this much of the call's deadline is left after the
   * backoff: a last attempt with 10 ms to go would only turn a clear error into a timeout.
   */
  minAttemptMs: number;
}

export const DEFAULT_RETRY_POLICY: Omit<RetryPolicy, 'retries'> = { baseDelayMs: 100, maxDelayMs: 1_000, minAttemptMs: 250 };

/**
 * Worth another attempt: connection errors, 5xx answers and Graph's transient codes
 * (`is_transient`, codes 1 and 2 …), all marked `transient` by the client. Throttling is not
 * (retrying makes it worse), nor a timeout (the deadline is spent), nor a 4xx.
 */
export function isRetryable(error: UpstreamError): boolean {
  return error.transient && error.code === 'UPSTREAM_ERROR';
}

/** Full-jitter exponential backoff (AWS architecture blog, "Exponential Backoff And Jitter"). */
export function backoffDelayMs(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

/**
 * The delay before retry number `retry` (0-based), or undefined when the attempts or the time left
 * before `deadline` are used up.
 */
export function nextRetryDelay(
  retry: number,
  deadline: number,
  policy: RetryPolicy,
  now: number = Date.now(),
  random?: () => number,
): number | undefined {
  if (retry >= policy.retries) return undefined;
  const delay = backoffDelayMs(retry, policy, random);
  return deadline - now - delay >= policy.minAttemptMs ? delay : undefined;
}
