import { z } from 'zod';

/** Where group reads go when an operation needs several groups (see README, "Batching"). */
export const BATCH_MODES = ['batch', 'ids', 'single'] as const;
export type BatchMode = (typeof BATCH_MODES)[number];

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const nonNegativeInt = (fallback: number) => z.coerce.number().int().min(0).default(fallback);
const onOff = z.enum(['true', 'false', '1', '0', 'on', 'off']).transform((v) => v === 'true' || v === '1' || v === 'on');
/** Comma list of origins (`https://app.example.com`) or `*`; unset means no CORS headers at all. */
const origins = z
  .string()
  .transform((v) => v.split(',').map((o) => o.trim()).filter(Boolean))
  .pipe(z.array(z.union([z.literal('*'), z.url({ protocol: /^https?$/ }).refine((o) => new URL(o).origin === o, 'must be an origin like https://app.example.com (no path)')])));

const EnvSchema = z.object({
  NODE_ENV: z.string().default('development'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
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
  SHUTDOWN_TIMEOUT_MS: positiveInt(10_000),
  CORS_ORIGINS: origins.optional(),
  MAX_IDS_PER_OPERATION: positiveInt(200),
  MAX_REQUEST_BODY_BYTES: positiveInt(1_000_000),
  GRAPHQL_INTROSPECTION: onOff.optional(),
  WHATSAPP_WEBHOOK_VERIFY_TOKEN: z.string().min(1).optional(),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  EVENT_RETENTION: positiveInt(10_000),
  LOG_LEVEL: z.enum(['silent', 'fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
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
  readonly shutdownTimeoutMs: number;
  /** Allowed browser origins; undefined = no CORS headers (same-origin only). */
  readonly corsOrigins: readonly string[] | undefined;
  readonly maxIdsPerOperation: number;
  readonly maxRequestBodyBytes: number;
  /** On by default outside production, off in production unless GRAPHQL_INTROSPECTION=true. */
  readonly introspection: boolean;
  readonly logLevel: string;
  /** Meta's webhook verification (`hub.verify_token`); unset: verification is refused. */
  readonly webhookVerifyToken: string | undefined;
  /** Unset: events stay in this process (no fan-out across replicas). */
  readonly redisUrl: string | undefined;
  /** How many recent group events are kept for `groupEvents(after:)`. */
  readonly eventRetention: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Reads the environment once at start-up: every problem is reported together, naming the variable
 * and what it must be (values are not echoed: some are secrets), and the result is frozen.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(withoutEmptyStrings(env));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  if (production && !e.GRAPH_API_URL) {
    throw new ConfigError(
      'Invalid configuration:\n  GRAPH_API_URL: required when NODE_ENV=production ' +
        '(set it to https://graph.facebook.com); the built-in sandbox only runs outside production',
    );
  }
  return Object.freeze({
    production,
    port: e.PORT,
    host: e.HOST,
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
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    corsOrigins: e.CORS_ORIGINS && Object.freeze([...e.CORS_ORIGINS]),
    maxIdsPerOperation: e.MAX_IDS_PER_OPERATION,
    maxRequestBodyBytes: e.MAX_REQUEST_BODY_BYTES,
    introspection: e.GRAPHQL_INTROSPECTION ?? !production,
    logLevel: e.LOG_LEVEL,
    webhookVerifyToken: e.WHATSAPP_WEBHOOK_VERIFY_TOKEN,
    redisUrl: e.REDIS_URL,
    eventRetention: e.EVENT_RETENTION,
  });
}

/** `FOO=` in a .env file or a shell means "unset", not "the empty string". */
function withoutEmptyStrings(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => !!entry[1]));
}
