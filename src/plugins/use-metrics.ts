import { usePrometheus } from '@graphql-yoga/plugin-prometheus';
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayMetrics } from '../observability/metrics.js';
import { traceOf } from '../request-trace.js';
import { resultErrorCodes } from './result-error-codes.js';

export interface MetricsPluginOptions {
  metrics: GatewayMetrics;
  /** Codes that may appear as the `outcome` label; any other code is counted as `OTHER`. */
  outcomeCodes: ReadonlySet<string>;
}

interface OperationRecord {
  startedAt: number;
  name?: string | undefined;
  type?: string | undefined;
  outcome?: string | undefined;
}

/**
 * Prometheus metrics: Yoga's Prometheus plugin times the GraphQL phases (parse, validate, context,
 * execute) by operation type; this plugin adds `graphql_operations_total` and
 * `graphql_operation_duration_seconds` by operation name (bounded: see OperationNames) and outcome
 * code, for every request that reached GraphQL handling (refusals before parsing too).
 * The registry is served by the metrics route (observability/metrics-route.ts), not by Yoga.
 */
export function useMetrics({ metrics, outcomeCodes }: MetricsPluginOptions): Plugin {
  const records = new WeakMap<Request, OperationRecord>();
  return {
    onPluginInit({ addPlugin }) {
      addPlugin(
        usePrometheus({
          registry: metrics.registry,
          endpoint: false,
          // Operation names are chosen by callers: unbounded as labels. Ours are bounded (above).
          labels: { operationName: false, fieldName: false, typeName: false, returnType: false, path: false },
          metrics: {
            graphql_envelop_request: false,
            graphql_envelop_request_duration: false,
            graphql_envelop_request_time_summary: false,
            graphql_envelop_deprecated_field: false,
            graphql_envelop_schema_change: false,
            graphql_envelop_error_result: false,
            // Its `url` label would hold GET queries (variables included).
            graphql_yoga_http_duration: false,
          },
        }),
      );
    },
    onRequestParse({ request }) {
      records.set(request, { startedAt: performance.now() });
    },
    onParams({ request, params }) {
      const record = records.get(request);
      if (record) record.name ??= params.operationName;
    },
    onExecute({ args }) {
      const request = args.contextValue?.request as Request | undefined;
      const record = request && records.get(request);
      if (!record) return;
      const operation = getOperationAST(args.document, args.operationName);
      record.type = operation?.operation;
      record.name = operation?.name?.value;
    },
    onResultProcess({ request, result }) {
      const record = records.get(request);
      if (!record) return;
      const code = resultErrorCodes(result)[0] ?? 'OK';
      record.outcome = code === 'OK' || outcomeCodes.has(code) ? code : 'OTHER';
    },
    onResponse({ request }) {
      const record = records.get(request);
      if (!record?.outcome) return;
      const seconds = (performance.now() - record.startedAt) / 1000;
      metrics.operationAnswered(record.name, record.type ?? 'unknown', record.outcome, seconds, traceOf(request)?.tokenAccepted === true);
    },
  };
}
