import { setMaxListeners } from 'node:events';
import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { GatewayError } from '../errors.js';

export interface OperationTimeoutPluginOptions {
  /** OPERATION_TIMEOUT_MS: how long one GraphQL request may take, from its arrival to its result. */
  timeoutMs: number;
  /**
   * After the deadline, how long the operation gets to finish with its own per-field errors (its
   * upstream calls are already aborted, so it usually needs milliseconds) before it is answered
   * with a single OPERATION_TIMEOUT error.
   */
  graceMs?: number;
}

/** One request's deadline: a signal aborted when its time is up or when its client goes away. */
interface OperationDeadline {
  readonly signal: AbortSignal;
  dispose(): void;
}

const startedAt = new WeakMap<Request, { at: number; timeoutMs: number; deadline?: OperationDeadline }>();

/**
 * The signal the request's upstream calls use: aborted when the client disconnects, or with an
 * OPERATION_TIMEOUT GatewayError once OPERATION_TIMEOUT_MS has passed since the request arrived.
 * Without the plugin, the request's own signal.
 */
export function operationSignal(request: Request): AbortSignal {
  return deadlineOf(request)?.signal ?? request.signal;
}

/**
 * Bounds one GraphQL operation (OPERATION_TIMEOUT_MS): 200 aliased writes that each take the full
 * upstream deadline would otherwise keep a request (and its upstream slots) for minutes. At the
 * deadline every upstream call of the operation is aborted (those still to come fail at once), the
 * fields still waiting fail with OPERATION_TIMEOUT, and what already resolved is returned.
 */
export function useOperationTimeout({ timeoutMs, graceMs = 1_000 }: OperationTimeoutPluginOptions): Plugin {
  return {
    onRequest({ request }) {
      // Only a timestamp here: the timer is created when the operation first needs it.
      startedAt.set(request, { at: performance.now(), timeoutMs });
    },
    onExecute({ args, executeFn, setExecuteFn }) {
      const request = (args.contextValue as { request?: Request } | undefined)?.request;
      const deadline = request && deadlineOf(request);
      if (!deadline) return;
      setExecuteFn((executeArgs) => withinDeadline(executeFn(executeArgs) as Promise<ExecutionResult>, deadline.signal, graceMs));
    },
    onResponse({ request }) {
      startedAt.get(request)?.deadline?.dispose();
      startedAt.delete(request);
    },
  };
}

function deadlineOf(request: Request): OperationDeadline | undefined {
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

/**
 * The execution's own result when it settles in time (at the deadline its upstream calls fail at
 * once, so it normally does); otherwise, `graceMs` after the deadline, one OPERATION_TIMEOUT error.
 */
async function withinDeadline(execution: Promise<ExecutionResult>, signal: AbortSignal, graceMs: number): Promise<ExecutionResult> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const cutOff = new Promise<ExecutionResult>((resolve) => {
    onAbort = () => {
      const reason: unknown = signal.reason;
      if (!(reason instanceof GatewayError)) return; // the client left: nobody to answer
      timer = setTimeout(() => resolve({ data: null, errors: [new GraphQLError(reason.message, { originalError: reason })] }), graceMs);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([execution, cutOff]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}
