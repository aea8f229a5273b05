import { createRequire } from 'node:module';
import type { Attributes } from '@opentelemetry/api';
import type { TracingConfig } from '../config.js';
import { graphRequestKind, graphRouteTemplate } from './graph-request.js';

export interface Tracing {
  /** Sends the spans still buffered; call before the process exits. */
  shutdown(): Promise<void>;
}

/** What instrumentation-undici shows a hook of an upstream request (the parts used here). */
interface UndiciRequest {
  origin: string;
  method: string;
  /** Path and query string, e.g. `/v23.0/<id>?fields=subject&appsecret_proof=…`. */
  path: string;
  body: unknown;
}

/** Paths that are probes, not traffic: no span. */
const UNTRACED_PATHS = new Set(['/health', '/ready', '/metrics']);

/**
 * OpenTelemetry tracing, exported over OTLP/HTTP. Loaded with a dynamic import only when an OTLP
 * endpoint is configured, so without one not a module of the SDK is loaded.
 *
 * - A server span per HTTP request (instrumentation-http), continuing an incoming W3C `traceparent`.
 * - A span per GraphQL operation (the useTracing plugin).
 * - A client span per upstream Graph request (instrumentation-undici), whose `traceparent` goes upstream.
 *   Only W3C trace context propagates (`traceparent`, `tracestate`): a caller's `baggage` never reaches the Graph API.
 *
 * URLs are rewritten before a span starts: upstream calls carry ids, `fields` and `appsecret_proof`
 * in the query, and GET /graphql carries the query and its variables. Spans keep the route
 * template (`/{v}/{group-id}`), never a query string; group ids only with TRACE_GROUP_IDS.
 * The exporter reads the standard OTEL_EXPORTER_OTLP_* variables (endpoint, headers, timeout),
 * the resource OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES, the sampler OTEL_TRACES_SAMPLER(_ARG).
 */
export async function startTracing(config: TracingConfig): Promise<Tracing> {
  const [{ NodeTracerProvider, BatchSpanProcessor }, { W3CTraceContextPropagator }, exporterModule, resources, { registerInstrumentations }, { HttpInstrumentation }, { UndiciInstrumentation }] =
    await Promise.all([
      import('@opentelemetry/sdk-trace-node'),
      import('@opentelemetry/core'),
      config.protocol === 'http/json' ? import('@opentelemetry/exporter-trace-otlp-http') : import('@opentelemetry/exporter-trace-otlp-proto'),
      import('@opentelemetry/resources'),
      import('@opentelemetry/instrumentation'),
      import('@opentelemetry/instrumentation-http'),
      import('@opentelemetry/instrumentation-undici'),
    ]);

  const resource = resources
    .defaultResource()
    .merge(resources.resourceFromAttributes({ 'service.name': 'whatsapp-groups-gateway' }))
    // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win over the default name.
    .merge(resources.detectResources({ detectors: [resources.envDetector] }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(new exporterModule.OTLPTraceExporter())] });
  // Global tracer, AsyncLocalStorage context and the W3C `traceparent` propagator alone: the default
  // adds W3C baggage, which would copy a caller's `baggage` header onto every upstream request.
  provider.register({ propagator: new W3CTraceContextPropagator() });

  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        // The gateway makes no node:http requests of its own (undici goes upstream).
        disableOutgoingRequestInstrumentation: true,
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.has(pathOf(request.url ?? '/')),
        startIncomingSpanHook: (request) => incomingAttributes(request.url ?? '/'),
      }),
      new UndiciInstrumentation({
        startSpanHook: (request) => upstreamAttributes(request as UndiciRequest, config.groupIds),
        requestHook: (span, request) => span.updateName(`${request.method} ${upstreamRoute(request.path)}`),
      }),
    ],
  });
  // ESM imports of node:http are not seen by the require hook: requiring it once applies the
  // patch (to http.Server.prototype, which every server shares).
  createRequire(import.meta.url)('node:http');

  return { shutdown: () => provider.shutdown() };
}

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** Replaces the attributes that would hold the request's query string (GET queries and variables). */
function incomingAttributes(url: string): Attributes {
  const path = pathOf(url);
  return { 'http.target': path, 'http.url': undefined, 'url.query': undefined, 'url.path': path };
}

/** The part of an upstream path below the version segment (`/<id>`, `/`), query dropped. */
function belowVersion(path: string): string {
  const match = /\/v\d+\.\d+(\/[^?]*)?(?:\?|$)/.exec(path);
  return match?.[1] ?? '/';
}

function upstreamRoute(path: string): string {
  return graphRouteTemplate(belowVersion(path));
}

/** The client span's attributes: route template instead of the URL, kind, batch size, and ids when allowed. */
function upstreamAttributes(request: UndiciRequest, withGroupIds: boolean): Attributes {
  const route = upstreamRoute(request.path);
  const below = belowVersion(request.path);
  const query = new URLSearchParams(request.path.includes('?') ? request.path.slice(request.path.indexOf('?') + 1) : '');
  const batch = request.method === 'POST' && below === '/' ? batchOperations(request.body) : undefined;
  const kind = graphRequestKind(request.method, below, (param) => query.has(param) || (param === 'batch' && batch !== undefined));
  const ids = kind === 'ids' ? (query.get('ids') ?? '').split(',') : kind === 'batch' ? (batch ?? []).map(idOfRelativeUrl) : below.split('/').filter(Boolean).slice(0, 1);
  return {
    'url.full': `${request.origin}${route}`,
    'url.path': route,
    'url.query': undefined,
    'url.template': route,
    'graph.request.kind': kind,
    ...(kind === 'batch' || kind === 'ids' ? { 'graph.batch.size': ids.length } : {}),
    ...(withGroupIds && ids.length ? { 'whatsapp.group.ids': ids.map(decodeURIComponent) } : {}),
  };
}

/** The `relative_url`s of a batch request's form body, or undefined when it is not one. */
function batchOperations(body: unknown): string[] | undefined {
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : undefined;
  if (text === undefined) return undefined;
  try {
    const batch: unknown = JSON.parse(new URLSearchParams(text).get('batch') ?? '');
    return Array.isArray(batch) ? batch.map((operation) => String((operation as { relative_url?: unknown }).relative_url ?? '')) : undefined;
  } catch {
    return undefined;
  }
}

/** `v23.0/<id>?fields=…` → `<id>`. */
function idOfRelativeUrl(relativeUrl: string): string {
  return pathOf(relativeUrl).split('/').filter(Boolean)[1] ?? '';
}
