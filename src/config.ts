import { z } from 'zod';

/** Where group reads go when an operation needs several groups (see docs/credentials-and-batching.md). */
export const BATCH_MODES = ['batch', 'ids', 'single'] as const;
export type BatchMode = (typeof BATCH_MODES)[number];

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
    doc: '`redis://` or `rediss://` URL shared by every replica: event fan-out, history and de-duplication. See [Events and webhooks](events-and-webhooks.md).',
  },
  EVENT_RETENTION: {
    key: 'eventRetention', schema: positiveInt(10_000),
    default: '`10000`',
    doc: 'How many recent group events are kept for `groupEvents(after:)` (Redis stream trimmed with `MAXLEN ~`, or an in-process ring buffer). Older ones cannot be replayed.',
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
    doc: 'Profile pictures being read, checked or sent upstream at once per process. A picture takes a slot only once the client has sent all of it (it waits on disk, spooled); beyond the cap it waits for a slot up to `UPLOAD_WAIT_TIMEOUT_MS`, then its `updateGroup` fails `RATE_LIMITED` (`retryAfterSeconds: 1`) with nothing sent upstream.',
  },
  UPLOAD_WAIT_TIMEOUT_MS: {
    schema: z.coerce.number().int().positive().optional(),
    default: '`UPSTREAM_TIMEOUT_MS`',
    doc: 'How long a spooled picture may wait for one of the `MAX_CONCURRENT_UPLOADS` slots.',
  },
  MAX_QUERY_BYTES: {
    key: 'maxQueryBytes', schema: positiveInt(64 * 1024),
    default: '`65536`',
    doc: 'Longest GraphQL query string (UTF-8 bytes), whatever carries it (JSON, GET, multipart `operations`); longer is HTTP 413 `BAD_USER_INPUT` before parsing.',
  },
  MAX_REQUEST_BODY_BYTES: {
    key: 'maxRequestBodyBytes', schema: positiveInt(1_000_000),
    default: '`1000000`',
    doc: 'Largest JSON/GraphQL/form request body; larger is HTTP 413. Multipart uploads have their own limit: a declared length over 5 MiB + 320 KiB (5,570,560 bytes) is refused before reading, and the file itself is capped at 5 MiB while streaming.',
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
    key: 'host', schema: z.string().min(1).default('0.0.0.0'),
    default: '`0.0.0.0`',
    doc: 'Interface to listen on. In sandbox mode the banner warns when it is not loopback (anyone who can reach the port can use the demo token).',
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
  if (!parsed.success || problems.length) {
    throw new ConfigError(`Invalid configuration:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
  }
  const e = parsed.data;
  const production = PRODUCTION_NODE_ENV.test(e.NODE_ENV.trim());
  if (e.HEADERS_TIMEOUT_MS > e.REQUEST_TIMEOUT_MS) {
    throw new ConfigError('Invalid configuration:\n  HEADERS_TIMEOUT_MS: must not exceed REQUEST_TIMEOUT_MS (the headers are part of the request)');
  }
  const fields = Object.fromEntries(
    Object.entries(SETTINGS).flatMap(([variable, setting]) => ('key' in setting ? [[setting.key, e[variable as keyof Env]]] : [])),
  ) as SettingFields;
  const derived: DerivedConfig = {
    production,
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

/** `localhost`, 127.0.0.0/8 and ::1: addresses that never leave the machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare.endsWith('.localhost') || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

/** `FOO=` in a .env file or a shell means "unset", not "the empty string". */
function withoutEmptyStrings(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => !!entry[1]));
}
