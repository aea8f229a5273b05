import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { GatewayError } from '../errors.js';
import { deadlineOf, endOperationClock, startOperationClock } from '../request-state.js';

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

/**
 * Bounds one GraphQL operation (OPERATION_TIMEOUT_MS): 200 aliased writes that each take the full
 * upstream deadline would otherwise keep a request (and its upstream slots) for minutes. At the
 * deadline every upstream call of the operation is aborted (those still to come fail at once), the
 * fields still waiting fail with OPERATION_TIMEOUT, and what already resolved is returned.
 */
export function useOperationTimeout({ timeoutMs, graceMs = 1_000 }: OperationTimeoutPluginOptions): Plugin {
  return {
    onRequest({ request }) {
      startOperationClock(request, timeoutMs);
    },
    onExecute({ args, executeFn, setExecuteFn }) {
      const request = (args.contextValue as { request?: Request } | undefined)?.request;
      const deadline = request && deadlineOf(request);
      if (!deadline) return;
      setExecuteFn((executeArgs) => withinDeadline(executeFn(executeArgs) as Promise<ExecutionResult>, deadline.signal, graceMs));
    },
    onResponse({ request }) {
      endOperationClock(request);
    },
  };
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
