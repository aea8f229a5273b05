import { getOperationAST, type GraphQLError } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { withoutRedaction, type Logger } from '../logger.js';
import { isExpectedError } from './error-masking.js';
import { resultErrorCodes } from './result-error-codes.js';
import { beginTrace, requestFields, type ServedRequest } from '../request-state.js';

export interface RequestLoggingPluginOptions {
  logger: Logger;
}

/** What one GraphQL request's log line says, filled in as the request goes. */
interface RequestRecord {
  trace: ServedRequest;
  startedAt: number;
  operationName?: string | undefined;
  operationType?: string | undefined;
  errorCodes: string[];
}

/**
 * Errors the logging plugin has already written with their request's id: Yoga's own "unexpected
 * error" line for them (src/gateway.ts) is then left out.
 */
const loggedErrors = new WeakSet<object>();

/** Whether the logging plugin wrote this error's line already (with its request id). */
export function isLoggedWithRequest(error: unknown): boolean {
  return typeof error === 'object' && error !== null && loggedErrors.has(error);
}

/**
 * One JSON log line per GraphQL request: request id, operation name and type, HTTP status,
 * duration, Graph calls made and the error codes returned. Never the query text (it holds
 * literals), variables or headers.
 *
 * The request id is the caller's `x-request-id` when sane, else a UUID; it is returned as
 * `x-request-id`, sent upstream on every Graph call (the context takes the request's trace) and
 * written on the request's line. The other lines about the request carry it too: an unexpected
 * error in a resolver (written here, before Yoga masks it) and, at debug level, each error the
 * caller gets. Health, readiness and GraphiQL page loads are not logged.
 */
export function useRequestLogging({ logger }: RequestLoggingPluginOptions): Plugin {
  const records = new WeakMap<Request, RequestRecord>();
  // Its fields are built here from known-safe values: redaction has nothing to find on this line.
  const lineLogger = withoutRedaction(logger);
  return {
    instrumentation: {
      // Outside every plugin's hooks: even a request another plugin refuses gets its id.
      request({ request }, wrapped) {
        records.set(request, { trace: beginTrace(request), startedAt: performance.now(), errorCodes: [] });
        return wrapped();
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
      return {
        // Before masking (Yoga's masking plugin comes after ours): the thrown error itself is here.
        onExecuteDone({ result }) {
          if (isAsyncIterable(result)) return;
          for (const error of result.errors ?? []) {
            if (isExpectedError(error)) continue;
            loggedErrors.add(error);
            logger.error({ ...requestFields(record.trace), err: error.originalError ?? error }, 'unexpected error');
          }
        },
      };
    },
    onResultProcess({ request, result }) {
      const record = records.get(request);
      if (!record) return;
      record.errorCodes.push(...resultErrorCodes(result));
      record.operationType ??= 'unknown';
      if (logger.isLevelEnabled('debug') && !Array.isArray(result) && !isAsyncIterable(result)) {
        for (const error of (result.errors ?? []) as GraphQLError[]) {
          logger.debug({ ...requestFields(record.trace), err: error }, 'client error');
        }
      }
    },
    onResponse({ request, response }) {
      const record = records.get(request);
      if (!record) return;
      response.headers.set('x-request-id', record.trace.requestId);
      // Only requests that reached GraphQL handling (not /health, /ready or the GraphiQL page).
      if (record.operationType === undefined) return;
      lineLogger.info(
        {
          ...requestFields(record.trace),
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
