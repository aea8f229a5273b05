import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { RequestTrace } from './graph/client.js';

export type { RequestTrace };

/**
 * The request being served, for everything that runs on its behalf: the logger's mixin puts its id
 * on every log line, the context hands it to the Graph client (which sends it upstream as
 * `x-request-id` and counts the calls). One store per HTTP request, entered by the logging plugin.
 */
export const requestTraces = new AsyncLocalStorage<ServedRequest>();

/** The request being served: its trace, and its OpenTelemetry trace id once tracing has seen it. */
export interface ServedRequest extends RequestTrace {
  traceId?: string;
}

/** Ids a client may choose: short, no spaces or control characters (they end up in logs and headers). */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** The caller's `x-request-id` when it is sane, else a fresh UUID. */
export function createRequestTrace(incomingId: string | null | undefined): RequestTrace {
  return { requestId: incomingId && SANE_REQUEST_ID.test(incomingId) ? incomingId : randomUUID(), upstreamCalls: 0 };
}

export function currentTrace(): ServedRequest | undefined {
  return requestTraces.getStore();
}
