import { randomUUID } from 'node:crypto';
import type { RequestTrace } from './graph/client.js';

export type { RequestTrace };

/**
 * The request being served travels with the request object, not with the async call stack: the
 * logging plugin creates its trace (`beginTrace`), the context takes it (`traceOf(request)`) and
 * hands it to the Graph client (which sends the id upstream as `x-request-id` and counts the
 * calls), and the lines written about the request (its log line, an unexpected error, a client
 * error at debug level) write the id themselves.
 *
 * No AsyncLocalStorage: on Node 20 an enabled one runs async hooks for every promise of the
 * process, and the bench measured it (with the other changes of that round) as a share of the
 * 23 % a read's CPU went down by.
 */
export interface ServedRequest extends RequestTrace {
  /** The OpenTelemetry trace id, once the tracing plugin has started the operation's span. */
  traceId?: string;
}

const traces = new WeakMap<Request, ServedRequest>();

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

export function traceOf(request: Request | undefined): ServedRequest | undefined {
  return request && traces.get(request);
}

/** What a log line about the request says about it: its id, and its trace id when traced. */
export function requestFields(trace: ServedRequest): { requestId: string; traceId?: string } {
  return trace.traceId ? { requestId: trace.requestId, traceId: trace.traceId } : { requestId: trace.requestId };
}
