import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { withoutRedaction, type Logger } from '../logger.js';
import { resultErrorCodes } from './result-error-codes.js';
import { beginTrace, buildingContextOf, requestTraces, traceOf, type RequestTrace } from '../request-trace.js';

export interface RequestLoggingPluginOptions {
  logger: Logger;
}

/** What one GraphQL request's log line says, filled in as the request goes. */
interface RequestRecord {
  trace: RequestTrace;
  startedAt: number;
  operationName?: string | undefined;
  operationType?: string | undefined;
  errorCodes: string[];
}

/**
 * One JSON log line per GraphQL request: request id, operation name and type, HTTP status,
 * duration, Graph calls made and the error codes returned. Never the query text (it holds
 * literals), variables or headers.
 *
 * The request id is the caller's `x-request-id` when sane, else a UUID; it is returned as
 * `x-request-id`, sent upstream on every Graph call (the context takes the trace while it is
 * built) and written on the request's line. The request also runs inside `requestTraces`, so that
 * every line written while it is served (Yoga's "unexpected error" lines included) carries the id.
 * Health, readiness and GraphiQL page loads are not logged.
 */
export function useRequestLogging({ logger }: RequestLoggingPluginOptions): Plugin {
  const records = new WeakMap<Request, RequestRecord>();
  // Its fields are built here from known-safe values: redaction has nothing to find on this line.
  const lineLogger = withoutRedaction(logger);
  return {
    instrumentation: {
      request({ request }, wrapped) {
        const trace = beginTrace(request);
        records.set(request, { trace, startedAt: performance.now(), errorCodes: [] });
        return requestTraces.run(trace, wrapped);
      },
      context({ context }, wrapped) {
        const request = (context as { request?: Request }).request;
        buildingContextOf(request ? traceOf(request) : undefined, wrapped);
      },
    },
    onParams({ request, params }) {
      const record = records.get(request);
      if (record && params.operationName) record.operationName = params.operationName;
    },
    onExecute({ args }) {
      const record = args.contextValue?.request ? records.get(args.contextValue.request as Request) : undefined;
      if (!record) return;
      const operation = getOperationAST(args.document, args.operationName);
      record.operationType = operation?.operation;
      record.operationName ??= operation?.name?.value;
    },
    onResultProcess({ request, result }) {
      const record = records.get(request);
      if (!record) return;
      record.errorCodes.push(...resultErrorCodes(result));
      record.operationType ??= 'unknown';
    },
    onResponse({ request, response }) {
      const record = records.get(request);
      if (!record) return;
      response.headers.set('x-request-id', record.trace.requestId);
      // Only requests that reached GraphQL handling (not /health, /ready or the GraphiQL page).
      if (record.operationType === undefined) return;
      lineLogger.info(
        {
          requestId: record.trace.requestId,
          operationName: record.operationName ?? null,
          operationType: record.operationType,
          status: response.status,
          durationMs: Math.round((performance.now() - record.startedAt) * 10) / 10,
          upstreamCalls: record.trace.upstreamCalls,
          ...(record.errorCodes.length ? { errorCodes: [...new Set(record.errorCodes)] } : {}),
        },
        'graphql request',
      );
    },
  };
}
