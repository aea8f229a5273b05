import { z } from 'zod';

/** Where group reads go when an operation needs several groups (see docs/credentials-and-batching.md). */
export const BATCH_MODES = ['batch', 'ids', 'single'] as const;
export type BatchMode = (typeof BATCH_MODES)[number];

/** What `Cache-Control` GraphQL responses carry (see docs/group-cache.md). */
export const SUBGRAPH_CACHE_CONTROLS = ['no-store', 'private-max-age'] as const;
export type SubgraphCacheControl = (typeof SUBGRAPH_CACHE_CONTROLS)[number];

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const nonNegativeInt = (fallback: number) => z.coerce.number().int().min(0).default(fallback);
const onOff = z.enum(['true', 'false', '1', '0', 'on', 'off']).transform((v) => v === 'true' || v === '1' || v === 'on');
/** Comma list of origins (`https://app.example.com`) or `*`; unset means no CORS headers at all. */
const origins = z
  .string()
  .transform((v) => v.split(',').map((o) => o.trim()).filter(Boolean))
  .pipe(z.array(z.union([z.literal('*'), z.url({ protocol: /^https?$/ }).refine((o) => !URL.canParse(o) || new URL(o).origin === o, 'must be an origin like https://app.example.com (no path)')])));

/** OTLP over HTTP only: the gRPC exporter would add a heavy dependency for no gain here. */
const otlpProtocol = z.enum(['http/protobuf', 'http/json'], { message: 'must be http/protobuf or http/json (gRPC is not supported)' });

/** One setting: the environment variable it is read from is its name in SETTINGS. */
interface Setting {
  /** The Config field it becomes; without one, it is read by a derived field (DerivedConfig). */
  readonly key?: string;
  /** Parses the variable's text, with its default. */
  readonly schema: z.ZodType;
  /** The default, as docs/configuration.md states it. */
  readonly default: string;
  /** What it does, in Markdown: its row of docs/configuration.md (`npm run docs:config` writes the table). */
  readonly doc: string;
}

/**
 * Every setting, declared once: its variable, schema, Config field and documentation. Adding a
 * setting is one entry here (and `npm run docs:config`); its Config field is typed from its schema.
 */
export const SETTINGS = {
  GRAPH_API_URL: {
    key: 'graphApiUrl', schema: z.url({ protocol: /^https?$/ }).optional(),
    default: 'unset → sandbox',
    doc: 'Graph API origin, e.g. `https://graph.facebook.com`. Unset starts the sandbox only when `NODE_ENV` is unset, `development`, `dev` or `test`; for any other `NODE_ENV` it is required and start-up fails with a message saying so. Set but empty (`GRAPH_API_URL=`) is a configuration error, never "use the sandbox". In production it must be `https://` unless its host is loopback (`localhost`, `127.x.x.x`, `::1`).',
  },
  GRAPH_API_VERSION: {
    key: 'graphApiVersion', schema: z.string().regex(/^v\d+\.\d+$/, 'must look like v23.0').default('v23.0'),
    default: '`v23.0`',
    doc: 'Path version prefix of every upstream call.',
  },
  WHATSAPP_ACCESS_TOKEN: {
    key: 'defaultAccessToken', schema: z.string().min(1).optional(),
    default: 'unset',
    doc: 'Token used for requests that carry no `Authorization` header.',
  },
  WHATSAPP_APP_SECRET: {
    key: 'appSecret', schema: z.string().min(1).optional(),
    default: 'unset',
    doc: 'When set, every upstream call carries `appsecret_proof` (HMAC-SHA256 of `token|appsecret_time`) and `appsecret_time`; it is also the key webhook signatures are checked with. Unset: `POST /webhooks/whatsapp` answers 503 (logged at start-up).',
  },
  WHATSAPP_WEBHOOK_VERIFY_TOKEN: {
    key: 'webhookVerifyToken', schema: z.string().min(1).optional(),
    default: 'unset',
    doc: 'The `hub.verify_token` Meta\'s verification must present. Unset: verification is refused (403).',
  },
  REDIS_URL: {
    key: 'redisUrl', schema: z.url({ protocol: /^rediss?$/ }).optional(),
    default: 'unset → one process',
    doc: '`redis://` or `rediss://` URL shared by every replica: event fan-out, history and de-duplication. See [Events and webhooks](events-and-webhooks.md). In production it must be `rediss://` or carry a password (`redis://:<password>@host:6379`) unless its host is loopback. Needs `EVENTS_SIGNING_KEY` or `WHATSAPP_APP_SECRET` (start-up error otherwise, in any `NODE_ENV`).',
  },
  EVENTS_SIGNING_KEY: {
    key: 'eventsSigningKey', schema: z.string().min(32, 'must be at least 32 characters (a random secret every replica shares)').optional(),
    default: 'unset → derived from `WHATSAPP_APP_SECRET`',
    doc: 'The secret every replica shares (at least 32 characters; Redis never sees it): stored events and write-ledger entries carry an HMAC under a key derived from it, and [token fingerprints](events-and-webhooks.md#token-fingerprints) are keyed with another. Set it to rotate the app secret without losing the event history and ledger; unset with no app secret either: a random key per process (fine without `REDIS_URL`, refused with it).',
  },
  WEBHOOK_MAX_AGE_S: {
    // Meta retries a delivery for up to 7 days: 8 days leaves a day of margin.
    key: 'webhookMaxAgeSeconds', schema: positiveInt(8 * 24 * 3600),
    default: '`691200` (8 days)',
    doc: 'Webhook group items whose `timestamp` is older are acknowledged (200) and dropped (`events_too_old_total`); dedupe keys live this long (plus how far an item is stamped ahead of this clock), so a repeat of the same bytes is always either known or too old. Meta retries for up to 7 days.',
  },
  WEBHOOK_DEDUPE_MAX_KEYS: {
    key: 'webhookDedupeMaxKeys', schema: positiveInt(100_000),
    default: '`100000`',
    doc: 'Dedupe keys kept in one process without `REDIS_URL` (in Redis they expire by TTL); past it the oldest are forgotten first.',
  },
  WEBHOOK_MAX_CONCURRENT_BODIES: {
    key: 'webhookMaxConcurrentBodies', schema: positiveInt(16),
    default: '`16`',
    doc: 'Webhook bodies read (and handled) at once; beyond it `503` with `Retry-After: 1`, unread (Meta retries). With 3 MB per body this bounds what senders without the secret can make the process hold.',
  },
  WEBHOOK_BODY_TIMEOUT_MS: {
    schema: z.coerce.number().int().positive().optional(),
    default: '`10000` (or `REQUEST_TIMEOUT_MS` when lower)',
    doc: 'How long a webhook sender may take to send its body; past it `408` and the connection is closed. At most `REQUEST_TIMEOUT_MS` (checked at start-up): Meta\'s servers send 3 MB in far less.',
  },
  EVENT_RETENTION: {
    key: 'eventRetention', schema: positiveInt(10_000),
    default: '`10000`',
    doc: 'How many recent group events are kept for `groupEvents(after:)` (Redis stream trimmed with `MAXLEN ~`, or an in-process ring buffer). Older ones cannot be replayed.',
  },
  GROUP_CACHE_TTL_MS: {
    key: 'groupCacheTtlMs', schema: nonNegativeInt(0),
    default: '`0` → off',
    doc: 'How long a group (node fields, `inviteLink`, first page of `joinRequests`) read with one token is served again to that token without a Graph call. Verified webhooks and writes drop a group before they are acknowledged, so with webhooks configured a long TTL is safe: `300000` (5 min) is recommended. See [Group cache](group-cache.md).',
  },
  GROUP_CACHE_MAX_ENTRIES: {
    key: 'groupCacheMaxEntries', schema: positiveInt(10_000),
    default: '`10000`',
    doc: '(token, group) records kept in the process when `REDIS_URL` is unset; the least recently used group goes first. With `REDIS_URL` records live in Redis and expire by TTL there.',
  },
  SUBGRAPH_CACHE_CONTROL: {
    key: 'subgraphCacheControl', schema: z.enum(SUBGRAPH_CACHE_CONTROLS).default('no-store'),
    default: '`no-store`',
    doc: '`Cache-Control` of GraphQL responses: `no-store` → `private, no-store` on every one; `private-max-age` → `private, max-age=<GROUP_CACHE_TTL_MS in seconds>` on queries answered without errors (still `private, no-store` for mutations, errors, subscriptions, or a TTL under 1 s). See [Group cache](group-cache.md).',
  },
  GRAPH_BATCH_MODE: {
    key: 'batchMode', schema: z.enum(BATCH_MODES).default('batch'),
    default: '`batch`',
    doc: 'How several group reads go upstream: `batch` (Graph batch request), `ids` (multi-id read), `single` (one request per id). See [Batching](credentials-and-batching.md#batching-and-field-pushdown).',
  },
  GRAPH_SINGLE_CONCURRENCY: {
    key: 'singleConcurrency', schema: positiveInt(8),
    default: '`8`',
    doc: 'Concurrent per-id requests in `single` mode and in fallbacks.',
  },
  UPSTREAM_TIMEOUT_MS: {
    key: 'upstreamTimeoutMs', schema: positiveInt(10_000),
    default: '`10000`',
    doc: 'Deadline of one upstream call: connect, headers and body, retries and their backoff included. Past it: `UPSTREAM_TIMEOUT`.',
  },
  UPSTREAM_CONNECTIONS: {
    key: 'upstreamConnections', schema: positiveInt(64),
    default: '`64`',
    doc: 'Keep-alive connections in the undici pool to the Graph API.',
  },
  UPSTREAM_RETRIES: {
    key: 'upstreamRetries', schema: z.coerce.number().int().min(0).max(5).default(2),
    default: '`2`',
    doc: 'Extra attempts of a **read** after a dropped connection, a 5xx or a transient Graph code (0–5). Writes are never retried.',
  },
  UPSTREAM_MAX_CONCURRENCY: {
    key: 'upstreamMaxConcurrency', schema: positiveInt(64),
    default: '`64`',
    doc: 'Graph calls in flight per process.',
  },
  UPSTREAM_MAX_QUEUE: {
    key: 'upstreamMaxQueue', schema: nonNegativeInt(256),
    default: '`256`',
    doc: 'Graph calls that may wait for a free slot; beyond that a call fails at once with `RATE_LIMITED` (`retryAfterSeconds: 1`).',
  },
  UPSTREAM_MAX_QUEUE_PER_TOKEN: {
    key: 'upstreamMaxQueuePerToken', schema: nonNegativeInt(64),
    default: '`64`',
    doc: 'Graph calls one token may have waiting; beyond that *that token\'s* calls are `RATE_LIMITED`, other tokens\' are not. See [fairness](reliability-and-limits.md#upstream-deadlines-retries-a-fair-bound-on-concurrency).',
  },
  UPSTREAM_MAX_CONCURRENCY_PER_TOKEN: {
    key: 'upstreamMaxConcurrencyPerToken', schema: z.coerce.number().int().positive().optional(),
    default: 'unset',
    doc: 'Graph calls one token may have in flight. Unset: a token may use every free slot.',
  },
  UPSTREAM_MAX_RESPONSE_BYTES: {
    key: 'upstreamMaxResponseBytes', schema: positiveInt(8 * 1024 * 1024),
    default: '`8388608` (8 MiB)',
    doc: 'Largest Graph answer body read; past it reading stops, the connection is dropped and the call is `UPSTREAM_ERROR`.',
  },
  THROTTLE_MAX_WAIT_SECONDS: {
    key: 'throttleMaxWaitSeconds', schema: positiveInt(3_600),
    default: '`3600`',
    doc: 'Longest a throttled scope (app, phone number, phone-number–recipient pair, group) stays closed, whatever the Graph API\'s estimate or the backoff says. See [Throttle memory](reliability-and-limits.md#throttle-memory-shared-by-replicas).',
  },
  OPERATION_TIMEOUT_MS: {
    key: 'operationTimeoutMs', schema: positiveInt(30_000),
    default: '`30000`',
    doc: 'Bound on one GraphQL request, from arrival to result; past it its Graph calls are aborted and waiting fields fail with `OPERATION_TIMEOUT`.',
  },
  HEADERS_TIMEOUT_MS: {
    // Node's http server: how long a client may take to send its headers, and its whole request.
    key: 'headersTimeoutMs', schema: z.coerce.number().int().positive().max(30_000, 'must be at most 30000 (30 s)').default(30_000),
    default: '`30000` (at most)',
    doc: 'How long a client may take to send its request headers; past it HTTP 408 and the connection is closed.',
  },
  REQUEST_TIMEOUT_MS: {
    key: 'requestTimeoutMs', schema: positiveInt(120_000),
    default: '`120000`',
    doc: 'How long a client may take to send its whole request, body (an upload) included; past it HTTP 408 and the connection is closed. At least `HEADERS_TIMEOUT_MS`.',
  },
  MAX_IDS_PER_OPERATION: {
    key: 'maxIdsPerOperation', schema: positiveInt(200),
    default: '`200`',
    doc: 'Group lookups one operation may make (root fields with an `id` plus `_entities` representations); more is `BAD_USER_INPUT` before any upstream call.',
  },
  MAX_CONCURRENT_UPLOADS: {
    key: 'maxConcurrentUploads', schema: positiveInt(8),
    default: '`8`',
    doc: 'Profile pictures and message media files being read, checked or sent upstream at once per process. A picture takes a slot only once the client has sent all of it (it waits on disk, spooled); beyond the cap it waits for a slot up to `UPLOAD_WAIT_TIMEOUT_MS`, then its `updateGroup` fails `RATE_LIMITED` (`retryAfterSeconds: 1`) with nothing sent upstream.',
  },
  UPLOAD_WAIT_TIMEOUT_MS: {
    schema: z.coerce.number().int().positive().optional(),
    default: '`UPSTREAM_TIMEOUT_MS`',
    doc: 'How long a spooled picture may wait for one of the `MAX_CONCURRENT_UPLOADS` slots.',
  },
  MAX_MEDIA_UPLOAD_BYTES: {
    // Meta's largest media (a document) is 100 MB; the default keeps spooled files as small as a picture's.
    key: 'maxMediaUploadBytes', schema: z.coerce.number().int().positive().max(100 * 1024 * 1024, 'must be at most 104857600 (100 MiB, the Graph API\'s document limit)').default(5 * 1024 * 1024),
    default: '`5242880` (5 MiB)',
    doc: 'Largest media file `sendGroupMessage` takes as an upload (`media.file`), at most `104857600` (100 MiB). Each kind also has the Graph API\'s own limit (image 5 MiB, video and audio 16 MiB, document 100 MiB): the smaller applies, counted while the file streams in. Raising it raises the multipart limit of every request (the spooled file goes to disk, not memory).',
  },
  INVITE_SEND_CONCURRENCY: {
    schema: positiveInt(4),
    default: '`4`',
    doc: 'Invite sends of one `sendGroupInviteLink` in flight at once (one upstream request per person); capped by `UPSTREAM_MAX_CONCURRENCY_PER_TOKEN` when that is set.',
  },
  MAX_QUERY_BYTES: {
    key: 'maxQueryBytes', schema: positiveInt(64 * 1024),
    default: '`65536`',
    doc: 'Longest GraphQL query string (UTF-8 bytes), whatever carries it (JSON, GET, multipart `operations`); longer is HTTP 413 `BAD_USER_INPUT` before parsing.',
  },
  MAX_REQUEST_BODY_BYTES: {
    key: 'maxRequestBodyBytes', schema: positiveInt(1_000_000),
    default: '`1000000`',
    doc: 'Largest JSON/GraphQL/form request body; larger is HTTP 413. Multipart uploads have their own limit: a declared length over 5 MiB + 320 KiB (5,570,560 bytes) is refused before reading, and the file itself is capped at 5 MiB while streaming (with `MAX_MEDIA_UPLOAD_BYTES` above 5 MiB, that size instead).',
  },
  MAX_SUBSCRIPTIONS_PER_CONNECTION: {
    key: 'maxSubscriptionsPerConnection', schema: positiveInt(20),
    default: '`20`',
    doc: 'Operations one WebSocket may have running at once (subscriptions and queries in flight); the next is answered with a graphql-ws `error` message `RATE_LIMITED`, the socket and its other operations go on.',
  },
  MAX_SUBSCRIPTIONS_PER_TOKEN: {
    key: 'maxSubscriptionsPerToken', schema: positiveInt(100),
    default: '`100`',
    doc: '`groupEvents` subscriptions one token may have open in this process, SSE and WebSocket together; the next fails `RATE_LIMITED`.',
  },
  MAX_WEBSOCKET_CONNECTIONS: {
    key: 'maxWebSocketConnections', schema: positiveInt(10_000),
    default: '`10000`',
    doc: 'WebSockets open at once in this process; the next upgrade is refused with HTTP 503 (`RATE_LIMITED`).',
  },
  EVENT_ACCESS_CHECKS_PER_SECOND: {
    key: 'eventAccessChecksPerSecond', schema: positiveInt(20),
    default: '`20`',
    doc: 'Upstream checks ("may this token read this group?", each cached a minute) one token\'s `groupEvents` subscriptions may cause per second; more wait for the next second. A token the Graph API refuses ends its subscriptions with `UNAUTHENTICATED` and is refused without upstream calls for a minute.',
  },
  FEDERATION_SERVICE_TOKEN: {
    key: 'federationServiceToken', schema: z.string().min(16, 'must be at least 16 characters (a shared secret)').optional(),
    default: 'unset',
    doc: 'The router\'s shared secret (16+ characters). With introspection off, `_service { sdl }` answers only requests whose `x-federation-service-token` header carries it (no network, loopback included, is trusted otherwise); unset: `_service` is refused whenever introspection is off.',
  },
  GRAPHQL_INTROSPECTION: {
    schema: onOff.optional(),
    default: 'on, off when `NODE_ENV=production`',
    doc: '`true`/`false`: whether `__schema`/`__type` (and GraphiQL) are served.',
  },
  GRAPHQL_JIT: {
    key: 'jit', schema: onOff.default(true),
    default: '`true`',
    doc: '`true`/`false`: run queries as code compiled once per document by graphql-jit (from a document\'s second use; mutations, subscriptions and variables graphql-js refuses stay on graphql-js).',
  },
  CORS_ORIGINS: {
    schema: origins.optional(),
    default: 'unset → no CORS headers',
    doc: 'Comma list of browser origins allowed to call the gateway (`https://app.example.com,https://admin.example.com`), or `*`. Any other origin, `null` included, gets no CORS headers at all.',
  },
  SHUTDOWN_TIMEOUT_MS: {
    key: 'shutdownTimeoutMs', schema: positiveInt(10_000),
    default: '`10000`',
    doc: 'On SIGTERM/SIGINT, how long requests in flight may take to finish before their connections are closed.',
  },
  PORT: {
    key: 'port', schema: z.coerce.number().int().min(0).max(65_535).default(4000),
    default: '`4000`',
    doc: 'HTTP port of the gateway.',
  },
  HOST: {
    // Unset: loopback in sandbox mode (the demo token is public), every interface with GRAPH_API_URL.
    schema: z.string().min(1).optional(),
    default: '`127.0.0.1` in sandbox mode, else `0.0.0.0`',
    doc: 'Interface to listen on. Sandbox mode (no `GRAPH_API_URL`) stays on loopback unless `HOST` is set: anyone who can reach the port can use the public demo token, and the banner warns when `HOST` is not loopback. The image sets `HOST=0.0.0.0`.',
  },
  NODE_ENV: {
    schema: z.string().default('development'),
    default: '`development`',
    doc: '`production` or `prod`, in any letter case, is production: no sandbox, introspection off by default, `GRAPH_API_URL` must be `https://` (or loopback). Values other than `development`, `dev` and `test` (e.g. `staging`) are not production but need `GRAPH_API_URL`.',
  },
  LOG_LEVEL: {
    key: 'logLevel', schema: z.enum(['silent', 'fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
    default: '`info`',
    doc: 'pino level (`silent` … `trace`). The lines about a request (its own line, an unexpected error, a client error at `debug`) carry its `requestId`.',
  },
  METRICS: {
    key: 'metrics', schema: onOff.default(true),
    default: '`true`',
    doc: '`false` turns `GET /metrics` (Prometheus) off: 404. See [Operations](operations.md).',
  },
  METRICS_PORT: {
    key: 'metricsPort', schema: z.coerce.number().int().min(0).max(65_535).optional(),
    default: 'unset → public port',
    doc: 'A port of its own for `GET /metrics` (nothing else is served there); the public port then answers `/metrics` with 404. See [who may read /metrics](operations.md#who-may-read-metrics).',
  },
  METRICS_HOST: {
    key: 'metricsHost', schema: z.string().min(1).default('127.0.0.1'),
    default: '`127.0.0.1`',
    doc: 'Interface of `METRICS_PORT`. Loopback by default, in every environment: set it (e.g. `0.0.0.0` in a container) where Prometheus scrapes from another host.',
  },
  METRICS_TOKEN: {
    key: 'metricsToken', schema: z.string().min(16, 'must be at least 16 characters (it is the only thing between /metrics and anyone)').optional(),
    default: 'unset',
    doc: 'When set (16 characters or more), `/metrics` answers only `Authorization: Bearer <METRICS_TOKEN>`, on whichever port serves it; anything else is 401.',
  },
  PERSISTED_DOCUMENTS: {
    key: 'persistedDocuments', schema: z.string().min(1).optional(),
    default: 'unset',
    doc: 'Path of a trusted documents file (`{"sha256:<hex>": "<document>"}`, GraphQL Code Generator\'s `persisted-documents.json`); a broken file stops the start.',
  },
  ALLOW_ARBITRARY_OPERATIONS: {
    schema: onOff.optional(),
    default: '`false` when `PERSISTED_DOCUMENTS` is set, else `true`',
    doc: '`true` lets query texts run beside the trusted documents.',
  },
  OTEL_EXPORTER_OTLP_ENDPOINT: {
    schema: z.url({ protocol: /^https?$/ }).optional(),
    default: 'unset → no tracing',
    doc: 'OTLP/HTTP collector origin, e.g. `http://otel-collector:4318` (spans go to `/v1/traces`). Unset: the OpenTelemetry SDK is not even loaded.',
  },
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: {
    schema: z.url({ protocol: /^https?$/ }).optional(),
    default: 'unset',
    doc: 'Full traces URL instead (e.g. `http://collector:4318/v1/traces`); also turns tracing on.',
  },
  OTEL_EXPORTER_OTLP_PROTOCOL: {
    schema: otlpProtocol.optional(),
    default: '`http/protobuf`',
    doc: '`http/protobuf` or `http/json` (`OTEL_EXPORTER_OTLP_TRACES_PROTOCOL` overrides it); gRPC is refused at start-up.',
  },
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: {
    schema: otlpProtocol.optional(),
    default: 'unset',
    doc: 'Same, for traces only.',
  },
  TRACE_GROUP_IDS: {
    schema: onOff.default(false),
    default: '`false`',
    doc: '`true` adds the group ids of each upstream call to its span (`whatsapp.group.ids`).',
  },
} as const satisfies Record<string, Setting>;

type Settings = typeof SETTINGS;
type SettingsShape = { [V in keyof Settings]: Settings[V]['schema'] };
type Env = z.output<z.ZodObject<SettingsShape>>;

const EnvSchema = z.object(Object.fromEntries(Object.entries(SETTINGS).map(([variable, setting]) => [variable, setting.schema])) as SettingsShape);

/** The Config fields that are one setting each, typed by their schema. */
type SettingFields = {
  readonly [V in keyof Settings as Settings[V] extends { key: infer K extends string } ? K : never]: z.output<Settings[V]['schema']>;
};

/** The Config fields computed from several settings, or from a setting and another's default. */
interface DerivedConfig {
  /** NODE_ENV is `prod` or `production`, in any letter case. */
  readonly production: boolean;
  /** HOST, else 127.0.0.1 in sandbox mode (the demo token is public) and 0.0.0.0 with GRAPH_API_URL. */
  readonly host: string;
  /** WEBHOOK_BODY_TIMEOUT_MS, else 10 s (Meta's servers send 3 MB in far less), never over REQUEST_TIMEOUT_MS. */
  readonly webhookBodyTimeoutMs: number;
  /** INVITE_SEND_CONCURRENCY, capped by UPSTREAM_MAX_CONCURRENCY_PER_TOKEN when that is set. */
  readonly inviteSendConcurrency: number;
  /** UPLOAD_WAIT_TIMEOUT_MS, else UPSTREAM_TIMEOUT_MS. */
  readonly uploadWaitTimeoutMs: number;
  /** GRAPHQL_INTROSPECTION, else on outside production and off in production. */
  readonly introspection: boolean;
  /** ALLOW_ARBITRARY_OPERATIONS, else false once PERSISTED_DOCUMENTS is set. */
  readonly allowArbitraryOperations: boolean;
  /** CORS_ORIGINS, frozen; undefined: no CORS headers (same-origin only). */
  readonly corsOrigins: readonly string[] | undefined;
  /** Set when an OTLP endpoint is configured; the exporter itself reads the other OTEL_* variables. */
  readonly tracing: TracingConfig | undefined;
}

export interface Config extends SettingFields, DerivedConfig {}

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
  const fields = Object.fromEntries(
    Object.entries(SETTINGS).flatMap(([variable, setting]) => ('key' in setting ? [[setting.key, e[variable as keyof Env]]] : [])),
  ) as SettingFields;
  const derived: DerivedConfig = {
    production,
    host: e.HOST ?? (e.GRAPH_API_URL ? '0.0.0.0' : '127.0.0.1'),
    webhookBodyTimeoutMs: e.WEBHOOK_BODY_TIMEOUT_MS ?? Math.min(10_000, e.REQUEST_TIMEOUT_MS),
    inviteSendConcurrency: Math.min(e.INVITE_SEND_CONCURRENCY, e.UPSTREAM_MAX_CONCURRENCY_PER_TOKEN ?? Number.POSITIVE_INFINITY),
    corsOrigins: e.CORS_ORIGINS && Object.freeze([...e.CORS_ORIGINS]),
    uploadWaitTimeoutMs: e.UPLOAD_WAIT_TIMEOUT_MS ?? e.UPSTREAM_TIMEOUT_MS,
    introspection: e.GRAPHQL_INTROSPECTION ?? !production,
    allowArbitraryOperations: e.ALLOW_ARBITRARY_OPERATIONS ?? !e.PERSISTED_DOCUMENTS,
    tracing:
      e.OTEL_EXPORTER_OTLP_ENDPOINT || e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
        ? Object.freeze({
            protocol: e.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? e.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf',
            groupIds: e.TRACE_GROUP_IDS,
          })
        : undefined,
  };
  return Object.freeze({
    ...fields,
    ...derived,
    graphApiUrl: e.GRAPH_API_URL?.replace(/\/+$/, ''),
  });
}

/** Where the gateway may send tokens: never to the sandbox by accident, never in clear text in production. */
function upstreamProblems(e: Env): string[] {
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
function redisProblems(e: Env): string[] {
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
