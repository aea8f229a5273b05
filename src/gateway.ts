import { createYoga, useReadinessCheck, type YogaServerInstance, type YogaServerOptions } from 'graphql-yoga';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import type { Config } from './config.js';
import { createContextFactory, type GatewayContext } from './context.js';
import { createDocumentCache } from './document-cache.js';
import { GroupEvents } from './events/group-events.js';
import { GraphClient, observeAll } from './graph/client.js';
import { RedisThrottleStore } from './graph/redis-throttle-store.js';
import { ThrottleMemory } from './graph/throttle-memory.js';
import { GraphReader } from './graph/graph-reader.js';
import { GroupCache } from './graph/group-cache.js';
import { MemoryGroupCacheStore } from './graph/group-cache-store.js';
import { RedisGroupCacheStore } from './graph/redis-group-cache-store.js';
import type { Logger } from './logger.js';
import { isExpectedError, maskGatewayError, usePublicErrors } from './plugins/error-masking.js';
import { useCacheControl } from './plugins/use-cache-control.js';
import { useCompiledExecution } from './plugins/use-compiled-execution.js';
import { useOperationLimits } from './plugins/use-operation-limits.js';
import { useOperationTimeout } from './plugins/use-operation-timeout.js';
import { useServiceSdlGuard } from './plugins/use-service-sdl-guard.js';
import { useRequestBodyLimit } from './plugins/use-request-body-limit.js';
import { useRequestParamsLimit } from './plugins/use-request-params-limit.js';
import { isLoggedWithRequest, useRequestLogging } from './plugins/use-request-logging.js';
import { usePartialErrors } from './plugins/use-partial-errors.js';
import { useUploads } from './plugins/use-uploads.js';
import { PROFILE_PICTURE_MAX_BYTES } from './uploads/profile-picture.js';
import { schema } from './schema/index.js';
import { ERROR_CODES } from './errors.js';
import { callBeingSentWatcher } from './observability/call-being-sent.js';
import { GatewayMetrics } from './observability/metrics.js';
import { createMetricsRoute } from './observability/metrics-route.js';
import { useMetrics } from './plugins/use-metrics.js';
import { useTracing } from './plugins/use-tracing.js';
import { useTrustedDocuments } from './plugins/use-trusted-documents.js';
import { loadTrustedDocuments } from './trusted-documents.js';
import { createWebhookRoute } from './webhooks/route.js';
import { ReplicaKey } from './replica-key.js';
import { tokenFingerprinter, type TokenFingerprint } from './graph/token-fingerprint.js';

export interface GraphiQLDefaults {
  /** The tabs GraphiQL opens with on first load (GraphiQL's `defaultTabs`): query, variables and headers (JSON). */
  defaultTabs: { query: string; variables?: string; headers?: string }[];
  /** Headers (JSON) of a tab the user opens, e.g. the sandbox's demo Authorization. */
  defaultHeaders?: string;
}

export interface GatewayOptions {
  config: Config;
  /** The Graph API origin: the configured GRAPH_API_URL, or the sandbox's loopback URL. */
  graphApiUrl: string;
  logger: Logger;
  graphiql?: GraphiQLDefaults;
  /** Key of webhook signatures when it is not WHATSAPP_APP_SECRET (npm start: the sandbox's secret). */
  webhookAppSecret?: string | undefined;
}

export interface Gateway {
  yoga: YogaServerInstance<Record<string, unknown>, GatewayContext>;
  /** The settings it was built with (the WebSocket transport reads its limits here). */
  config: Config;
  client: GraphClient;
  /** The Prometheus metrics (undefined with METRICS=false); other modules record through it. */
  metrics: GatewayMetrics | undefined;
  /** Group events: webhooks in, subscriptions out. */
  events: GroupEvents;
  /** A caller's token fingerprint as this deployment's replicas all compute it (HMAC under the replicas' key). */
  fingerprint: TokenFingerprint;
  /** `GET|POST /webhooks/whatsapp`, served in front of Yoga. */
  handleWebhook: ReturnType<typeof createWebhookRoute>;
  /** `GET /metrics`, served in front of Yoga or on METRICS_PORT (server.ts); undefined with METRICS=false. */
  handleMetrics: ReturnType<typeof createMetricsRoute> | undefined;
  /** `GET /ready` answers 503 from now on (shutdown has begun). */
  markNotReady(): void;
  /** Closes the upstream pool: waits for calls in flight, or cuts them with `force`. */
  close(options?: { force?: boolean }): Promise<void>;
}

/** Headers that mark a request as not forgeable by a plain HTML form or `<img>` (CSRF prevention). */
export const CSRF_HEADERS = ['x-graphql-yoga-csrf', 'apollo-require-preflight'];

/**
 * CORS headers only for a listed origin. No CORS_ORIGINS: none at all (Yoga's default would reflect
 * any origin). Yoga's own list handling answers an unlisted origin with
 * `Access-Control-Allow-Origin: null` (or with the single listed origin), and `null` is what opaque
 * origins (sandboxed iframes, `data:` pages) send: an unlisted origin gets no CORS headers instead.
 * `*` keeps its meaning: any origin, reflected.
 */
function corsFor(origins: readonly string[] | undefined): YogaServerOptions<Record<string, unknown>, GatewayContext>['cors'] {
  if (!origins) return false;
  const options = {
    origin: [...origins],
    credentials: false,
    methods: ['GET', 'POST'],
    allowedHeaders: ['content-type', 'authorization', 'x-request-id', ...CSRF_HEADERS],
    exposedHeaders: ['x-request-id'],
    maxAge: 600,
  };
  const any = origins.includes('*');
  return (request) => {
    const origin = request.headers.get('origin');
    return origin !== null && (any || origins.includes(origin)) ? options : false;
  };
}

/** Builds the gateway: one Graph client and reader for the process, a fresh context per request. */
export function createGateway({ config, graphApiUrl, logger, graphiql, webhookAppSecret }: GatewayOptions): Gateway {
  const trustedDocuments = config.persistedDocuments ? loadTrustedDocuments(config.persistedDocuments) : undefined;
  const metrics = config.metrics ? new GatewayMetrics({ knownOperationNames: trustedDocuments?.operationNames }) : undefined;
  const throttles = new ThrottleMemory({
    maxWaitSeconds: config.throttleMaxWaitSeconds,
    shared: config.redisUrl ? new RedisThrottleStore(config.redisUrl, config.throttleMaxWaitSeconds, logger) : undefined,
    onRefusal: metrics && ((scope) => metrics.throttleRefusal(scope)),
  });
  const client = new GraphClient({
    baseUrl: graphApiUrl,
    version: config.graphApiVersion,
    appSecret: config.appSecret,
    timeoutMs: config.upstreamTimeoutMs,
    connections: config.upstreamConnections,
    maxConcurrency: config.upstreamMaxConcurrency,
    maxQueue: config.upstreamMaxQueue,
    retries: config.upstreamRetries,
    maxQueuePerToken: config.upstreamMaxQueuePerToken,
    maxConcurrencyPerToken: config.upstreamMaxConcurrencyPerToken,
    maxResponseBytes: config.upstreamMaxResponseBytes,
    // With tracing, the undici hooks read the route of the call being sent (call-being-sent.ts).
    observer: observeAll(metrics?.graphObserver, config.tracing ? callBeingSentWatcher : undefined),
    gate: throttles,
  });
  metrics?.watchUpstreamLoad(() => client.load);
  const reader = new GraphReader(client, { mode: config.batchMode, singleConcurrency: config.singleConcurrency });
  let ready = true;
  const replicaKey = new ReplicaKey({ eventsSigningKey: config.eventsSigningKey, appSecret: config.appSecret });
  const fingerprint = tokenFingerprinter(replicaKey.keyFor('token-fingerprint'));
  const events = new GroupEvents({
    redisUrl: config.redisUrl,
    retention: config.eventRetention,
    logger,
    metrics,
    maxSubscriptionsPerToken: config.maxSubscriptionsPerToken,
    accessChecksPerSecond: config.eventAccessChecksPerSecond,
    replicaKey,
    maxAgeSeconds: config.webhookMaxAgeSeconds,
    dedupeMaxKeys: config.webhookDedupeMaxKeys,
  });
  const groupCache = createGroupCache(config, logger, metrics);
  const handleWebhook = createWebhookRoute({
    groupCache,
    appSecret: webhookAppSecret ?? config.appSecret,
    verifyToken: config.webhookVerifyToken,
    events,
    logger,
    metrics,
    maxConcurrentBodies: config.webhookMaxConcurrentBodies,
    bodyTimeoutMs: config.webhookBodyTimeoutMs,
  });

  const handleMetrics = metrics && createMetricsRoute({ registry: metrics.registry, token: config.metricsToken, logger });

  const yoga = createYoga<Record<string, unknown>, GatewayContext>({
    schema,
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    context: createContextFactory({
      reader,
      client,
      defaultAccessToken: config.defaultAccessToken,
      events,
      fingerprint,
      groupCache,
      inviteSendConcurrency: config.inviteSendConcurrency,
    }),
    maskedErrors: { maskError: maskGatewayError },
    cors: corsFor(config.corsOrigins),
    parserAndValidationCache: { documentCache: createDocumentCache(), errorCache: createDocumentCache() },
    // Uploads are parsed by useUploads (graphql-upload-ts), not by Yoga, which buffers whole files.
    multipart: false,
    // Off: useRequestBodyLimit caps JSON/form bodies and useUploads caps multipart, so Yoga's own
    // limit (a counting stream on every request: 8 % of a read's CPU in the bench) adds nothing.
    maxRequestBodySize: false,
    // `documentId`: how trusted-document clients name their operation.
    ...(trustedDocuments ? { extraParamNames: ['documentId'] } : {}),
    plugins: [
      // First: requests refused by the plugins below are still counted.
      ...(metrics ? [useMetrics({ metrics, outcomeCodes: new Set(Object.keys(ERROR_CODES)) })] : []),
      // Refuses GET and multipart/form/text requests without one of CSRF_HEADERS.
      // First: after the upload parser it would see a request already parsed and relabelled as JSON
      // (@whatwg-node/server's normalizeNodeRequest, https://github.com/ardatan/whatwg-node/blob/master/packages/server/src/utils.ts).
      useCSRFPrevention({ requestHeaders: CSRF_HEADERS }),
      useUploads({
        // One parser limit for every upload: the largest of a profile picture and a media file; each use checks its own.
        maxFileSize: Math.max(PROFILE_PICTURE_MAX_BYTES, config.maxMediaUploadBytes),
        maxMediaBytes: config.maxMediaUploadBytes,
        defaultAccessToken: config.defaultAccessToken,
        maxConcurrentUploads: config.maxConcurrentUploads,
        uploadWaitTimeoutMs: config.uploadWaitTimeoutMs,
      }),
      useRequestLogging({ logger }),
      // Before the operation timeout, which wraps the execute function this one sets.
      ...(config.jit ? [useCompiledExecution()] : []),
      // Starts each request's OPERATION_TIMEOUT_MS clock; the context's upstream calls use its signal.
      useOperationTimeout({ timeoutMs: config.operationTimeoutMs }),
      // Inside the request's log context: the operation's trace id goes on its log lines.
      ...(config.tracing ? [useTracing()] : []),
      // Before anything parses the query: an unknown id or a refused query text costs no parsing.
      ...(trustedDocuments ? [useTrustedDocuments({ documents: trustedDocuments, allowArbitraryOperations: config.allowArbitraryOperations })] : []),
      useReadinessCheck({ endpoint: '/ready', check: () => readiness(ready, events, groupCache) }),
      useCacheControl({ mode: config.subgraphCacheControl, maxAgeSeconds: Math.floor(config.groupCacheTtlMs / 1000), graphqlEndpoint: '/graphql' }),
      useRequestBodyLimit({ maxBytes: config.maxRequestBodyBytes }),
      useRequestParamsLimit({ maxQueryBytes: config.maxQueryBytes }),
      useOperationLimits({ maxIds: config.maxIdsPerOperation, introspection: config.introspection }),
      useServiceSdlGuard({ introspection: config.introspection, serviceToken: config.federationServiceToken }),
      usePartialErrors(),
      // Last: every error of every result gets a public code and no field suggestions.
      usePublicErrors(),
    ],
    logging: {
      // Yoga's per-request debug chatter ("Parsing request…", "Executing request…") is left out:
      // it says nothing the request's own line does not, and could not carry the request id.
      debug: () => undefined,
      info: (...args) => logger.info({ yoga: args }, 'yoga'),
      warn: (...args) => logger.warn({ yoga: args }, 'yoga'),
      // Errors a caller gets are logged with their request by useRequestLogging (debug level), as
      // are unexpected errors of resolvers; what is left (a plugin's own failure) is written here.
      error: (...args) => {
        if (!isExpectedError(args[0]) && !isLoggedWithRequest(args[0])) logger.error({ err: args[0] }, 'unexpected error');
      },
    },
    // Served from the gateway itself: Yoga's default page loads from a CDN and is blank offline.
    // Without introspection (production default) GraphiQL could not show the schema: off too.
    // Imported on the first page load: its bundled assets hold ~30 MB of heap, wasted where GraphiQL is off.
    renderGraphiQL: async (options) => (await import('@graphql-yoga/render-graphiql')).renderGraphiQL(options),
    graphiql: !config.introspection
      ? false
      : {
          title: 'WhatsApp Groups GraphQL',
          // GraphiQL streams subscriptions over SSE with GET requests, which CSRF prevention refuses
          // without one of CSRF_HEADERS; GraphiQL's own page is same-origin, so it may send one.
          additionalHeaders: { [CSRF_HEADERS[0]!]: 'graphiql' },
          ...(graphiql ? { defaultTabs: graphiql.defaultTabs, ...(graphiql.defaultHeaders ? { defaultHeaders: graphiql.defaultHeaders } : {}) } : {}),
        },
  });

  return {
    yoga,
    config,
    client,
    metrics,
    events,
    fingerprint,
    handleWebhook,
    handleMetrics,
    markNotReady: () => {
      ready = false;
    },
    close: async (options) => {
      await events.close();
      await groupCache?.close();
      await client.close(options);
      throttles.close();
    },
  };
}

/**
 * 503 once shutdown began, or while a dependency (Redis) has not been reached; the body names it,
 * never its URL. A group cache that cannot be used is not a reason to stop serving (reads go
 * upstream): still 200, with a body that says so.
 */
function readiness(ready: boolean, events: GroupEvents, groupCache: GroupCache | undefined): boolean | Response {
  if (!ready) return false;
  const failed = events.unavailableDependency();
  if (failed !== undefined) return Response.json({ ready: false, failed: [failed], message: `${failed} is unreachable` }, { status: 503 });
  const cacheDown = groupCache?.unavailableReason();
  if (cacheDown === undefined) return true;
  return Response.json({ ready: true, degraded: ['group-cache'], message: `group cache: ${cacheDown}; reads go to the Graph API` }, { status: 200 });
}

/** GROUP_CACHE_TTL_MS > 0: in Redis with REDIS_URL (every replica shares it), else in this process. */
function createGroupCache(config: Config, logger: Logger, metrics: GatewayMetrics | undefined): GroupCache | undefined {
  if (config.groupCacheTtlMs === 0) return undefined;
  const store = config.redisUrl
    ? new RedisGroupCacheStore(config.redisUrl, config.groupCacheTtlMs, logger)
    : new MemoryGroupCacheStore(config.groupCacheMaxEntries, config.groupCacheTtlMs);
  const cache = new GroupCache(store, config.groupCacheTtlMs, metrics?.groupCacheObserver);
  metrics?.watchGroupCache(() => cache.unavailableReason() === undefined);
  return cache;
}
