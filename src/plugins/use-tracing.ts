import { SpanKind, SpanStatusCode, context, trace, type Span } from '@opentelemetry/api';
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { traceOf } from '../request-state.js';
import { resultErrorCodes } from './result-error-codes.js';

/**
 * A span per GraphQL operation, child of the HTTP request's server span and parent of its upstream
 * calls: `graphql.operation.name`, `graphql.operation.type` and `graphql.outcome` (OK or the first
 * error's code). Never the document text or a variable. Also puts the trace id on the request's
 * log lines. Only installed when tracing is on.
 */
export function useTracing(): Plugin {
  const tracer = trace.getTracer('whatsapp-groups-gateway');
  const spans = new WeakMap<Request, Span>();
  return {
    instrumentation: {
      operation({ request }, wrapped) {
        const span = tracer.startSpan('graphql.operation', { kind: SpanKind.INTERNAL });
        spans.set(request, span);
        const served = traceOf(request);
        if (served) served.traceId = span.spanContext().traceId;
        return context.with(trace.setSpan(context.active(), span), wrapped);
      },
      // Ended once the result is processed: onResultProcess below has given it its outcome.
      resultProcess({ request }, wrapped) {
        const span = spans.get(request);
        if (!span) return wrapped();
        return Promise.resolve(wrapped()).finally(() => span.end());
      },
    },
    onExecute({ args }) {
      const request = args.contextValue?.request as Request | undefined;
      const span = request && spans.get(request);
      if (!span) return;
      const operation = getOperationAST(args.document, args.operationName);
      const type = operation?.operation ?? 'unknown';
      const name = operation?.name?.value;
      span.setAttribute('graphql.operation.type', type);
      if (name) span.setAttribute('graphql.operation.name', name);
      span.updateName(`${type} ${name ?? 'anonymous'}`);
    },
    onResultProcess({ request, result }) {
      const span = spans.get(request);
      if (!span) return;
      const outcome = resultErrorCodes(result)[0] ?? 'OK';
      span.setAttribute('graphql.outcome', outcome);
      if (outcome !== 'OK') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
    },
  };
}
