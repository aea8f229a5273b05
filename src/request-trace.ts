import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { RequestTrace } from './graph/client.js';

export type { RequestTrace };

/**
 * The request being served travels with the request, not with the async call stack: the logging
 * plugin creates its trace (`beginTrace`), the context picks it up while it is built
 * (`currentTrace`) and hands it to the Graph client (which sends the id upstream as `x-request-id`
 * and counts the calls), and the request's log line writes the id itself.
 *
 * `requestTraces` (an AsyncLocalStorage read by the logger's mixin) is entered for every request so
 * that every line written while it is served carries the id: an unexpected error's line above all.
 * Skipping it at info level measured B/A 0.91 on bench (a), within the noise of a shared machine,
 * and cost the request id on error lines: not worth it.
 */
export const requestTraces = new AsyncLocalStorage<ServedRequest>();

/** The request being served: its trace, and its OpenTelemetry trace id once tracing has seen it. */
export interface ServedRequest extends RequestTrace {
  traceId?: string;
}

const traces = new WeakMap<Request, ServedRequest>();
/** The trace of the request whose context is being built right now (a synchronous window). */
let building: ServedRequest | undefined;

/** Ids a client may choose: short, no spaces or control characters (they end up in logs and headers). */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** The caller's `x-request-id` when it is sane, else a fresh UUID. */
export function createRequestTrace(incomingId: string | null | undefined): RequestTrace {
  return { requestId: incomingId && SANE_REQUEST_ID.test(incomingId) ? incomingId : randomUUID(), upstreamCalls: 0 };
}

/** Creates the trace of an incoming request and remembers it for as long as the request lives. */
export function beginTrace(request: Request): ServedRequest {
  const trace = createRequestTrace(request.headers.get('x-request-id'));
  traces.set(request, trace);
  return trace;
}

export function traceOf(request: Request): ServedRequest | undefined {
  return traces.get(request);
}

/** Runs `build` (the synchronous context factory) with `currentTrace()` answering `trace`. */
export function buildingContextOf<T>(trace: ServedRequest | undefined, build: () => T): T {
  const previous = building;
  building = trace;
  try {
    return build();
  } finally {
    building = previous;
  }
}

/** The trace of the request whose context is being built, or else of the request being served. */
export function currentTrace(): ServedRequest | undefined {
  return building ?? requestTraces.getStore();
}
