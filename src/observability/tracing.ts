import { createRequire } from 'node:module';
import type { Attributes } from '@opentelemetry/api';
import type { TracingConfig } from '../config.js';
import { callBeingSent } from './call-being-sent.js';
import { graphRequestKind, graphRouteGroupIds, graphRouteTemplate } from './graph-request.js';

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
 * template (`/{v}/{group-id}`) and kind of the Graph call's route (graph/route.ts), never a query
 * string; group ids only with TRACE_GROUP_IDS.
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
        requestHook: (span, request) => span.updateName(upstreamSpanName(request as UndiciRequest)),
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

/** What the span shows of an upstream request: read from its Graph call's route (graph/route.ts). */
interface UpstreamLabels {
  template: string;
  kind: string;
  route?: string;
  groupIds: string[];
  batchSize?: number;
}

function upstreamLabels(request: Pick<UndiciRequest, 'method' | 'path'>): UpstreamLabels {
  const route = callBeingSent(request.method, belowVersion(request.path))?.route;
  // A request the pool queued is created outside its call (call-being-sent.ts): no route to read, no guess from its URL.
  if (!route) return { template: '/{v}/{unknown}', kind: 'unknown', groupIds: [] };
  return {
    template: graphRouteTemplate(route),
    kind: graphRequestKind(route),
    route: route.kind,
    groupIds: graphRouteGroupIds(route),
    ...(route.slots ? { batchSize: route.slots.length } : {}),
  };
}

/** Span names are made in requestHook, after startSpanHook: the labels are kept for it. */
const labelsOf = new WeakMap<object, UpstreamLabels>();

function upstreamSpanName(request: UndiciRequest): string {
  return `${request.method} ${(labelsOf.get(request) ?? upstreamLabels(request)).template}`;
}

/** The client span's attributes: route template instead of the URL, kind, batch size, and ids when allowed. */
function upstreamAttributes(request: UndiciRequest, withGroupIds: boolean): Attributes {
  const labels = upstreamLabels(request);
  labelsOf.set(request, labels);
  return {
    'url.full': `${request.origin}${labels.template}`,
    'url.path': labels.template,
    'url.query': undefined,
    'url.template': labels.template,
    'graph.request.kind': labels.kind,
    ...(labels.route ? { 'graph.route': labels.route } : {}),
    ...(labels.batchSize !== undefined ? { 'graph.batch.size': labels.batchSize } : {}),
    ...(withGroupIds && labels.groupIds.length ? { 'whatsapp.group.ids': labels.groupIds } : {}),
  };
}
