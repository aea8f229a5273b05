import { z } from 'zod';

/** Where group reads go when an operation needs several groups (see README, "Batching"). */
export const BATCH_MODES = ['batch', 'ids', 'single'] as const;
export type BatchMode = (typeof BATCH_MODES)[number];

/** What `Cache-Control` GraphQL responses carry (see README, "Group cache"). */
export const SUBGRAPH_CACHE_CONTROLS = ['no-store', 'private-max-age'] as const;
export type SubgraphCacheControl = (typeof SUBGRAPH_CACHE_CONTROLS)[number];

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const nonNegativeInt = (fallback: number) => z.coerce.number().int().min(0).default(fallback);
const onOff = z.enum(['true', 'false', '1', '0', 'on', 'off']).transform((v) => v === 'true' || v === '1' || v === 'on');
/** Comma list of origins (`https://app.example.com`) or `*`; unset means no CORS headers at all. */
const origins = z
  .string()
  .transform((v) => v.split(',').map((o) => o.trim()).filter(Boolean))
  .pipe(z.array(z.union([z.literal('*'), z.url({ protocol: /^https?$/ }).refine((o) => new URL(o).origin === o, 'must be an origin like https://app.example.com (no path)')])));

/** OTLP over HTTP only: the gRPC exporter would add a heavy dependency for no gain here. */
const otlpProtocol = z.enum(['http/protobuf', 'http/json'], { message: 'must be http/protobuf or http/json (gRPC is not supported)' });

const EnvSchema = z.object({
  NODE_ENV: z.string().default('development'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(4000),
  // Unset: loopback in sandbox mode (the demo token is public), every interface with GRAPH_API_URL.
  HOST: z.string().min(1).optional(),
  GRAPH_API_URL: z.url({ protocol: /^https?$/ }).optional(),
  GRAPH_API_VERSION: z.string().regex(/^v\d+\.\d+$/, 'must look like v23.0').default('v23.0'),
  WHATSAPP_ACCESS_TOKEN: z.string().min(1).optional(),
  WHATSAPP_APP_SECRET: z.string().min(1).optional(),
  GRAPH_BATCH_MODE: z.enum(BATCH_MODES).default('batch'),
  GRAPH_SINGLE_CONCURRENCY: positiveInt(8),
  UPSTREAM_TIMEOUT_MS: positiveInt(10_000),
  UPSTREAM_CONNECTIONS: positiveInt(64),
  UPSTREAM_MAX_CONCURRENCY: positiveInt(64),
  UPSTREAM_MAX_QUEUE: nonNegativeInt(256),
  UPSTREAM_RETRIES: z.coerce.number().int().min(0).max(5).default(2),
  UPSTREAM_MAX_QUEUE_PER_TOKEN: nonNegativeInt(64),
  UPSTREAM_MAX_CONCURRENCY_PER_TOKEN: z.coerce.number().int().positive().optional(),
  UPSTREAM_MAX_RESPONSE_BYTES: positiveInt(8 * 1024 * 1024),
  THROTTLE_MAX_WAIT_SECONDS: positiveInt(3_600),
  OPERATION_TIMEOUT_MS: positiveInt(30_000),
  // Node's http server: how long a client may take to send its headers, and its whole request.
  HEADERS_TIMEOUT_MS: z.coerce.number().int().positive().max(30_000, 'must be at most 30000 (30 s)').default(30_000),
  REQUEST_TIMEOUT_MS: positiveInt(120_000),
  SHUTDOWN_TIMEOUT_MS: positiveInt(10_000),
  CORS_ORIGINS: origins.optional(),
  MAX_IDS_PER_OPERATION: positiveInt(200),
  MAX_REQUEST_BODY_BYTES: positiveInt(1_000_000),
  MAX_CONCURRENT_UPLOADS: positiveInt(8),
  UPLOAD_WAIT_TIMEOUT_MS: z.coerce.number().int().positive().optional(),
  // Meta's largest media (a document) is 100 MB; the default keeps spooled files as small as a picture's.
  MAX_MEDIA_UPLOAD_BYTES: z.coerce.number().int().positive().max(100 * 1024 * 1024, 'must be at most 104857600 (100 MiB, the Graph API\'s document limit)').default(5 * 1024 * 1024),
  INVITE_SEND_CONCURRENCY: positiveInt(4),
  MAX_QUERY_BYTES: positiveInt(64 * 1024),
  MAX_SUBSCRIPTIONS_PER_CONNECTION: positiveInt(20),
  MAX_SUBSCRIPTIONS_PER_TOKEN: positiveInt(100),
  MAX_WEBSOCKET_CONNECTIONS: positiveInt(10_000),
  EVENT_ACCESS_CHECKS_PER_SECOND: positiveInt(20),
  FEDERATION_SERVICE_TOKEN: z.string().min(16, 'must be at least 16 characters (a shared secret)').optional(),
  GRAPHQL_INTROSPECTION: onOff.optional(),
  GRAPHQL_JIT: onOff.default(true),
  WHATSAPP_WEBHOOK_VERIFY_TOKEN: z.string().min(1).optional(),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  EVENT_RETENTION: positiveInt(10_000),
  EVENTS_SIGNING_KEY: z.string().min(32, 'must be at least 32 characters (a random secret every replica shares)').optional(),
  // Meta retries a delivery for up to 7 days: 8 days leaves a day of margin.
  WEBHOOK_MAX_AGE_S: positiveInt(8 * 24 * 3600),
  WEBHOOK_DEDUPE_MAX_KEYS: positiveInt(100_000),
  WEBHOOK_MAX_CONCURRENT_BODIES: positiveInt(16),
  WEBHOOK_BODY_TIMEOUT_MS: z.coerce.number().int().positive().optional(),
  GROUP_CACHE_TTL_MS: nonNegativeInt(0),
  GROUP_CACHE_MAX_ENTRIES: positiveInt(10_000),
  SUBGRAPH_CACHE_CONTROL: z.enum(SUBGRAPH_CACHE_CONTROLS).default('no-store'),
  LOG_LEVEL: z.enum(['silent', 'fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  METRICS: onOff.default(true),
  METRICS_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters (it is the only thing between /metrics and anyone)').optional(),
  PERSISTED_DOCUMENTS: z.string().min(1).optional(),
  ALLOW_ARBITRARY_OPERATIONS: onOff.optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: otlpProtocol.optional(),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: otlpProtocol.optional(),
  TRACE_GROUP_IDS: onOff.default(false),
});

export interface Config {
  readonly production: boolean;
  readonly port: number;
  readonly host: string;
  /** Undefined means "no upstream configured": main.ts starts the sandbox instead (never in production). */
  readonly graphApiUrl: string | undefined;
  readonly graphApiVersion: string;
  readonly defaultAccessToken: string | undefined;
  readonly appSecret: string | undefined;
  readonly batchMode: BatchMode;
  readonly singleConcurrency: number;
  readonly upstreamTimeoutMs: number;
  readonly upstreamConnections: number;
  /** Upstream calls in flight per process; more wait in a queue of `upstreamMaxQueue`, beyond that RATE_LIMITED. */
  readonly upstreamMaxConcurrency: number;
  readonly upstreamMaxQueue: number;
  /** Extra attempts of a read after a connection error, 5xx or transient Graph code (never for writes). */
  readonly upstreamRetries: number;
  /** Upstream calls one token may have waiting; beyond it that token's calls are RATE_LIMITED (others are not). */
  readonly upstreamMaxQueuePerToken: number;
  /** Upstream calls one token may have in flight; undefined: any free slot. */
  readonly upstreamMaxConcurrencyPerToken: number | undefined;
  /** Largest upstream answer body read; larger is UPSTREAM_ERROR. */
  readonly upstreamMaxResponseBytes: number;
  /** Longest a throttled scope is remembered as closed, whatever the Graph API said (graph/throttle-memory.ts). */
  readonly throttleMaxWaitSeconds: number;
  /** Bound on one GraphQL operation; past it its upstream calls are aborted and it fails OPERATION_TIMEOUT. */
  readonly operationTimeoutMs: number;
  /** Node's server.headersTimeout and server.requestTimeout. */
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly shutdownTimeoutMs: number;
  /** Allowed browser origins; undefined = no CORS headers (same-origin only). */
  readonly corsOrigins: readonly string[] | undefined;
  readonly maxIdsPerOperation: number;
  readonly maxRequestBodyBytes: number;
  /** Pictures being read, checked or sent upstream at once; more wait (spooled) up to `uploadWaitTimeoutMs`, then RATE_LIMITED. */
  readonly maxConcurrentUploads: number;
  /** How long a spooled picture may wait for one of `maxConcurrentUploads`; default UPSTREAM_TIMEOUT_MS. */
  readonly uploadWaitTimeoutMs: number;
  /** Longest GraphQL query string (UTF-8 bytes) accepted for parsing; longer is HTTP 413 BAD_USER_INPUT. */
  readonly maxQueryBytes: number;
  /** MAX_MEDIA_UPLOAD_BYTES: the largest media file `sendGroupMessage` accepts as an upload (each kind has its own Graph limit too). */
  readonly maxMediaUploadBytes: number;
  /** INVITE_SEND_CONCURRENCY: invite sends of one `sendGroupInviteLink` in flight at once (capped by UPSTREAM_MAX_CONCURRENCY_PER_TOKEN). */
  readonly inviteSendConcurrency: number;
  /** Operations one WebSocket may have running at once (subscriptions included); more are RATE_LIMITED. */
  readonly maxSubscriptionsPerConnection: number;
  /** `groupEvents` subscriptions one token may have open in this process, SSE and WebSocket together. */
  readonly maxSubscriptionsPerToken: number;
  /** WebSockets open at once in this process; more are refused at the upgrade (HTTP 503). */
  readonly maxWebSocketConnections: number;
  /** Upstream checks (may this token read this group?) one token's subscriptions may cause per second; more wait. */
  readonly eventAccessChecksPerSecond: number;
  /** The router's shared secret: with introspection off, `_service` answers only requests carrying it. */
  readonly federationServiceToken: string | undefined;
  /** On by default outside production, off in production unless GRAPHQL_INTROSPECTION=true. */
  readonly introspection: boolean;
  /** GRAPHQL_JIT (on): queries run as code compiled once per document (graphql-jit); see use-compiled-execution.ts. */
  readonly jit: boolean;
  readonly logLevel: string;
  /** Meta's webhook verification (`hub.verify_token`); unset: verification is refused. */
  readonly webhookVerifyToken: string | undefined;
  /** Unset: events stay in this process (no fan-out across replicas). */
  readonly redisUrl: string | undefined;
  /** How many recent group events are kept for `groupEvents(after:)`. */
  readonly eventRetention: number;
  /** EVENTS_SIGNING_KEY: the key replicas share for event MACs and token fingerprints; unset: derived from WHATSAPP_APP_SECRET. */
  readonly eventsSigningKey: string | undefined;
  /** Webhook items older than this are acknowledged and dropped; their dedupe keys live at least this long. */
  readonly webhookMaxAgeSeconds: number;
  /** Dedupe keys one process keeps without Redis; the oldest are forgotten first. */
  readonly webhookDedupeMaxKeys: number;
  /** Webhook bodies being read at once; beyond it 503. */
  readonly webhookMaxConcurrentBodies: number;
  /** How long a webhook sender may take to send its body (default 10 s, at most REQUEST_TIMEOUT_MS); past it 408. */
  readonly webhookBodyTimeoutMs: number;
  /** GROUP_CACHE_TTL_MS: how long a group read with one token is kept for that token; 0 = no group cache. */
  readonly groupCacheTtlMs: number;
  /** GROUP_CACHE_MAX_ENTRIES: (token, group) records kept in this process without REDIS_URL (least recently used go first). */
  readonly groupCacheMaxEntries: number;
  /** SUBGRAPH_CACHE_CONTROL: `private, no-store` on every GraphQL response, or `private, max-age=<TTL>` on successful queries. */
  readonly subgraphCacheControl: SubgraphCacheControl;
  /** Prometheus metrics at GET /metrics (METRICS, default on). */
  readonly metrics: boolean;
  /** METRICS_PORT: /metrics is served on this port (bound to `metricsHost`) and not on the public one. */
  readonly metricsPort: number | undefined;
  /** METRICS_HOST: where the metrics port listens (default 127.0.0.1). */
  readonly metricsHost: string;
  /** METRICS_TOKEN: when set, /metrics answers only `Authorization: Bearer <token>` (else 401). */
  readonly metricsToken: string | undefined;
  /** PERSISTED_DOCUMENTS: path of the trusted documents file (id → document JSON). */
  readonly persistedDocuments: string | undefined;
  /** Whether query texts run besides trusted documents: false by default once PERSISTED_DOCUMENTS is set. */
  readonly allowArbitraryOperations: boolean;
  /** Set when an OTLP endpoint is configured; the exporter itself reads the other OTEL_* variables. */
  readonly tracing: TracingConfig | undefined;
}

export interface TracingConfig {
  readonly protocol: 'http/protobuf' | 'http/json';
  /** TRACE_GROUP_IDS: put group ids on upstream spans (off: they may identify people's groups). */
  readonly groupIds: boolean;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * `prod`, `production`, `PRODUCTION`…: a deployment that calls itself production in any spelling
 * gets production's safeguards (no sandbox, no introspection by default, https upstream).
 */
const PRODUCTION_NODE_ENV = /^prod(uction)?$/i;
/**
 * The sandbox (a Graph API emulator listening with a public demo token) only starts where
 * NODE_ENV says "a developer's machine or a test run"; any other value (staging, prod, a typo)
 * needs GRAPH_API_URL.
 */
const SANDBOX_NODE_ENVS = new Set(['development', 'dev', 'test']);

/**
 * Reads the environment once at start-up: every problem is reported together, naming the variable
 * and what it must be (values are not echoed: some are secrets), and the result is frozen.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(withoutEmptyStrings(env));
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  // `GRAPH_API_URL=` is a deployment whose upstream went missing, not a request for the sandbox.
  const emptyUpstream = env.GRAPH_API_URL !== undefined && env.GRAPH_API_URL.trim() === '';
  if (emptyUpstream) {
    problems.push('GRAPH_API_URL: set but empty; give the Graph API origin (https://graph.facebook.com), or unset it to use the sandbox in development');
  }
  if (parsed.success && !emptyUpstream) problems.push(...upstreamProblems(parsed.data));
  if (parsed.success) problems.push(...redisProblems(parsed.data));
  if (!parsed.success || problems.length) {
    throw new ConfigError(`Invalid configuration:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
  }
  const e = parsed.data;
  const production = PRODUCTION_NODE_ENV.test(e.NODE_ENV.trim());
  if (e.HEADERS_TIMEOUT_MS > e.REQUEST_TIMEOUT_MS) {
    throw new ConfigError('Invalid configuration:\n  HEADERS_TIMEOUT_MS: must not exceed REQUEST_TIMEOUT_MS (the headers are part of the request)');
  }
  if (e.WEBHOOK_BODY_TIMEOUT_MS !== undefined && e.WEBHOOK_BODY_TIMEOUT_MS > e.REQUEST_TIMEOUT_MS) {
    throw new ConfigError('Invalid configuration:\n  WEBHOOK_BODY_TIMEOUT_MS: must not exceed REQUEST_TIMEOUT_MS (a webhook body is at most 3 MB, sent by Meta\'s servers)');
  }
  if (e.METRICS_PORT !== undefined && e.METRICS_PORT !== 0 && e.METRICS_PORT === e.PORT) {
    throw new ConfigError('Invalid configuration:\n  METRICS_PORT: must differ from PORT (it takes /metrics off the public port)');
  }
  return Object.freeze({
    production,
    port: e.PORT,
    host: e.HOST ?? (e.GRAPH_API_URL ? '0.0.0.0' : '127.0.0.1'),
    graphApiUrl: e.GRAPH_API_URL?.replace(/\/+$/, ''),
    graphApiVersion: e.GRAPH_API_VERSION,
    defaultAccessToken: e.WHATSAPP_ACCESS_TOKEN,
    appSecret: e.WHATSAPP_APP_SECRET,
    batchMode: e.GRAPH_BATCH_MODE,
    singleConcurrency: e.GRAPH_SINGLE_CONCURRENCY,
    upstreamTimeoutMs: e.UPSTREAM_TIMEOUT_MS,
    upstreamConnections: e.UPSTREAM_CONNECTIONS,
    upstreamMaxConcurrency: e.UPSTREAM_MAX_CONCURRENCY,
    upstreamMaxQueue: e.UPSTREAM_MAX_QUEUE,
    upstreamRetries: e.UPSTREAM_RETRIES,
    upstreamMaxQueuePerToken: e.UPSTREAM_MAX_QUEUE_PER_TOKEN,
    upstreamMaxConcurrencyPerToken: e.UPSTREAM_MAX_CONCURRENCY_PER_TOKEN,
    upstreamMaxResponseBytes: e.UPSTREAM_MAX_RESPONSE_BYTES,
    throttleMaxWaitSeconds: e.THROTTLE_MAX_WAIT_SECONDS,
    operationTimeoutMs: e.OPERATION_TIMEOUT_MS,
    headersTimeoutMs: e.HEADERS_TIMEOUT_MS,
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    corsOrigins: e.CORS_ORIGINS && Object.freeze([...e.CORS_ORIGINS]),
    maxIdsPerOperation: e.MAX_IDS_PER_OPERATION,
    maxRequestBodyBytes: e.MAX_REQUEST_BODY_BYTES,
    maxConcurrentUploads: e.MAX_CONCURRENT_UPLOADS,
    uploadWaitTimeoutMs: e.UPLOAD_WAIT_TIMEOUT_MS ?? e.UPSTREAM_TIMEOUT_MS,
    maxQueryBytes: e.MAX_QUERY_BYTES,
    maxMediaUploadBytes: e.MAX_MEDIA_UPLOAD_BYTES,
    inviteSendConcurrency: Math.min(e.INVITE_SEND_CONCURRENCY, e.UPSTREAM_MAX_CONCURRENCY_PER_TOKEN ?? Number.POSITIVE_INFINITY),
    maxSubscriptionsPerConnection: e.MAX_SUBSCRIPTIONS_PER_CONNECTION,
    maxSubscriptionsPerToken: e.MAX_SUBSCRIPTIONS_PER_TOKEN,
    maxWebSocketConnections: e.MAX_WEBSOCKET_CONNECTIONS,
    eventAccessChecksPerSecond: e.EVENT_ACCESS_CHECKS_PER_SECOND,
    federationServiceToken: e.FEDERATION_SERVICE_TOKEN,
    introspection: e.GRAPHQL_INTROSPECTION ?? !production,
    jit: e.GRAPHQL_JIT,
    logLevel: e.LOG_LEVEL,
    metrics: e.METRICS,
    metricsPort: e.METRICS_PORT,
    metricsHost: e.METRICS_HOST,
    metricsToken: e.METRICS_TOKEN,
    persistedDocuments: e.PERSISTED_DOCUMENTS,
    allowArbitraryOperations: e.ALLOW_ARBITRARY_OPERATIONS ?? !e.PERSISTED_DOCUMENTS,
    tracing:
      e.OTEL_EXPORTER_OTLP_ENDPOINT || e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
        ? Object.freeze({
            protocol: e.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? e.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf',
            groupIds: e.TRACE_GROUP_IDS,
          })
        : undefined,
    webhookVerifyToken: e.WHATSAPP_WEBHOOK_VERIFY_TOKEN,
    redisUrl: e.REDIS_URL,
    eventRetention: e.EVENT_RETENTION,
    eventsSigningKey: e.EVENTS_SIGNING_KEY,
    webhookMaxAgeSeconds: e.WEBHOOK_MAX_AGE_S,
    webhookDedupeMaxKeys: e.WEBHOOK_DEDUPE_MAX_KEYS,
    webhookMaxConcurrentBodies: e.WEBHOOK_MAX_CONCURRENT_BODIES,
    // 10 s: Meta's servers send 3 MB in far less; never longer than any other request may take.
    webhookBodyTimeoutMs: e.WEBHOOK_BODY_TIMEOUT_MS ?? Math.min(10_000, e.REQUEST_TIMEOUT_MS),
    groupCacheTtlMs: e.GROUP_CACHE_TTL_MS,
    groupCacheMaxEntries: e.GROUP_CACHE_MAX_ENTRIES,
    subgraphCacheControl: e.SUBGRAPH_CACHE_CONTROL,
  });
}

/** Where the gateway may send tokens: never to the sandbox by accident, never in clear text in production. */
function upstreamProblems(e: z.infer<typeof EnvSchema>): string[] {
  const nodeEnv = e.NODE_ENV.trim();
  if (!e.GRAPH_API_URL) {
    if (PRODUCTION_NODE_ENV.test(nodeEnv)) {
      return [
        'GRAPH_API_URL: required when NODE_ENV=production (set it to https://graph.facebook.com); ' +
          'the built-in sandbox only runs outside production',
      ];
    }
    if (!SANDBOX_NODE_ENVS.has(nodeEnv.toLowerCase())) {
      return [
        `GRAPH_API_URL: required when NODE_ENV is not development or test (set it to https://graph.facebook.com); ` +
          'the built-in sandbox only starts with NODE_ENV unset, development, dev or test',
      ];
    }
    return [];
  }
  const url = new URL(e.GRAPH_API_URL);
  if (PRODUCTION_NODE_ENV.test(nodeEnv) && url.protocol !== 'https:' && !isLoopbackHost(url.hostname)) {
    return ['GRAPH_API_URL: must be https:// when NODE_ENV=production (tokens travel in its Authorization header); http:// is only allowed to a loopback host'];
  }
  return [];
}

/**
 * Redis holds the events every replica delivers and the writes that decide who sees them: in
 * production it must be reached over TLS or with a password (unless it is on this machine), and
 * replicas must share a key to sign what they store (their own random keys would reject each other's).
 */
function redisProblems(e: z.infer<typeof EnvSchema>): string[] {
  if (!e.REDIS_URL) return [];
  const problems: string[] = [];
  const url = new URL(e.REDIS_URL);
  if (PRODUCTION_NODE_ENV.test(e.NODE_ENV.trim()) && url.protocol !== 'rediss:' && url.password === '' && !isLoopbackHost(url.hostname)) {
    problems.push('REDIS_URL: must be rediss:// or carry a password (redis://:<password>@host:6379) when NODE_ENV=production, unless its host is loopback');
  }
  if (!e.EVENTS_SIGNING_KEY && !e.WHATSAPP_APP_SECRET) {
    problems.push('EVENTS_SIGNING_KEY: required with REDIS_URL when WHATSAPP_APP_SECRET is not set (replicas sign stored events and key token fingerprints with a key they share)');
  }
  return problems;
}

/** `localhost`, 127.0.0.0/8 and ::1: addresses that never leave the machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare.endsWith('.localhost') || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

/** `FOO=` in a .env file or a shell means "unset", not "the empty string". */
function withoutEmptyStrings(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => !!entry[1]));
}
