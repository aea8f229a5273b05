import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { GatewayError } from './errors.js';
import type { RequestTrace } from './graph/client.js';

export type { RequestTrace };

/**
 * The state of the request being served, kept beside the request object in one place that the
 * context and the plugins both import: its trace and its operation deadline.
 *
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

/** One request's deadline: a signal aborted when its time is up or when its client goes away. */
export interface OperationDeadline {
  readonly signal: AbortSignal;
  dispose(): void;
}

const startedAt = new WeakMap<Request, { at: number; timeoutMs: number; deadline?: OperationDeadline }>();

/** Starts the request's clock (OPERATION_TIMEOUT_MS): only a timestamp, the timer comes with the first use. */
export function startOperationClock(request: Request, timeoutMs: number): void {
  startedAt.set(request, { at: performance.now(), timeoutMs });
}

/** Stops the request's deadline timer once its response is on its way. */
export function endOperationClock(request: Request): void {
  startedAt.get(request)?.deadline?.dispose();
  startedAt.delete(request);
}

/**
 * The signal the request's upstream calls use: aborted when the client disconnects, or with an
 * OPERATION_TIMEOUT GatewayError once OPERATION_TIMEOUT_MS has passed since the request arrived.
 * Without the plugin, the request's own signal.
 */
export function operationSignal(request: Request): AbortSignal {
  return deadlineOf(request)?.signal ?? request.signal;
}

/** The request's deadline, created when the operation first needs it. */
export function deadlineOf(request: Request): OperationDeadline | undefined {
  const entry = startedAt.get(request);
  if (!entry) return undefined;
  entry.deadline ??= createDeadline(request.signal, entry.timeoutMs - (performance.now() - entry.at), entry.timeoutMs);
  return entry.deadline;
}

function createDeadline(clientSignal: AbortSignal, remainingMs: number, timeoutMs: number): OperationDeadline {
  const controller = new AbortController();
  // Every upstream call of the operation listens on it while in flight (up to MAX_IDS_PER_OPERATION).
  setMaxListeners(0, controller.signal);
  const timer = setTimeout(() => controller.abort(operationTimeoutError(timeoutMs)), Math.max(0, remainingMs));
  timer.unref();
  const onClientGone = () => controller.abort(clientSignal.reason);
  if (clientSignal.aborted) onClientGone();
  else clientSignal.addEventListener('abort', onClientGone, { once: true });
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      clientSignal.removeEventListener('abort', onClientGone);
    },
  };
}

function operationTimeoutError(timeoutMs: number): GatewayError {
  return new GatewayError(
    'OPERATION_TIMEOUT',
    `The operation took longer than ${timeoutMs} ms (OPERATION_TIMEOUT_MS) and was stopped; its Graph API calls were cancelled ` +
      '(a write already sent may still have been applied)',
  );
}
