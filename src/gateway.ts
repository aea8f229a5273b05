import { createYoga, useReadinessCheck, type YogaServerInstance } from 'graphql-yoga';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { Config } from './config.js';
import { createContextFactory, type GatewayContext } from './context.js';
import { GroupEvents } from './events/group-events.js';
import { GraphClient } from './graph/client.js';
import { GroupReader } from './graph/group-reader.js';
import type { Logger } from './logger.js';
import { isExpectedError, maskGatewayError, usePublicErrors } from './plugins/error-masking.js';
import { useOperationLimits } from './plugins/use-operation-limits.js';
import { useRequestBodyLimit } from './plugins/use-request-body-limit.js';
import { useRequestLogging } from './plugins/use-request-logging.js';
import { usePartialErrors } from './plugins/use-partial-errors.js';
import { useUploads } from './plugins/use-uploads.js';
import { schema } from './schema/index.js';
import { createWebhookRoute } from './webhooks/route.js';

export interface GraphiQLDefaults {
  /** Shown in the editor on first load. */
  defaultQuery: string;
  /** Prefilled request headers (JSON), e.g. the sandbox's demo Authorization. */
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
  client: GraphClient;
  /** Group events: webhooks in, subscriptions out. */
  events: GroupEvents;
  /** `GET|POST /webhooks/whatsapp`, served in front of Yoga. */
  handleWebhook: ReturnType<typeof createWebhookRoute>;
  /** `GET /ready` answers 503 from now on (shutdown has begun). */
  markNotReady(): void;
  /** Closes the upstream pool: waits for calls in flight, or cuts them with `force`. */
  close(options?: { force?: boolean }): Promise<void>;
}

/** Headers that mark a request as not forgeable by a plain HTML form or `<img>` (CSRF prevention). */
export const CSRF_HEADERS = ['x-graphql-yoga-csrf', 'apollo-require-preflight'];

/** Builds the gateway: one Graph client and reader for the process, a fresh context per request. */
export function createGateway({ config, graphApiUrl, logger, graphiql, webhookAppSecret }: GatewayOptions): Gateway {
  const client = new GraphClient({
    baseUrl: graphApiUrl,
    version: config.graphApiVersion,
    appSecret: config.appSecret,
    timeoutMs: config.upstreamTimeoutMs,
    connections: config.upstreamConnections,
    maxConcurrency: config.upstreamMaxConcurrency,
    maxQueue: config.upstreamMaxQueue,
    retries: config.upstreamRetries,
  });
  const reader = new GroupReader(client, { mode: config.batchMode, singleConcurrency: config.singleConcurrency });
  let ready = true;
  const events = new GroupEvents({ redisUrl: config.redisUrl, retention: config.eventRetention, logger });
  const handleWebhook = createWebhookRoute({
    appSecret: webhookAppSecret ?? config.appSecret,
    verifyToken: config.webhookVerifyToken,
    events,
    logger,
  });

  const yoga = createYoga<Record<string, unknown>, GatewayContext>({
    schema,
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    context: createContextFactory({ reader, client, defaultAccessToken: config.defaultAccessToken, events }),
    maskedErrors: { maskError: maskGatewayError },
    // No CORS_ORIGINS: no CORS headers at all (Yoga's default would reflect any origin).
    cors: config.corsOrigins
      ? {
          origin: [...config.corsOrigins],
          credentials: false,
          methods: ['GET', 'POST'],
          allowedHeaders: ['content-type', 'authorization', 'x-request-id', ...CSRF_HEADERS],
          exposedHeaders: ['x-request-id'],
          maxAge: 600,
        }
      : false,
    // Uploads are parsed by useUploads (graphql-upload-ts), not by Yoga, which buffers whole files.
    multipart: false,
    // Off: useRequestBodyLimit caps JSON/form bodies and useUploads caps multipart, so Yoga's own
    // limit (a counting stream on every request: 8 % of a read's CPU in the bench) adds nothing.
    maxRequestBodySize: false,
    plugins: [
      // Refuses GET and multipart/form/text requests without one of CSRF_HEADERS.
      // First: after the upload parser it would see a request already parsed as JSON (notes §1.3 B).
      useCSRFPrevention({ requestHeaders: CSRF_HEADERS }),
      useUploads(),
      useRequestLogging({ logger }),
      useReadinessCheck({ endpoint: '/ready', check: () => readiness(ready, events) }),
      useRequestBodyLimit({ maxBytes: config.maxRequestBodyBytes }),
      useOperationLimits({ maxIds: config.maxIdsPerOperation, introspection: config.introspection }),
      usePartialErrors(),
      // Last: every error of every result gets a public code and no field suggestions.
      usePublicErrors(),
    ],
    logging: {
      debug: (...args) => logger.debug({ yoga: args }, 'yoga'),
      info: (...args) => logger.info({ yoga: args }, 'yoga'),
      warn: (...args) => logger.warn({ yoga: args }, 'yoga'),
      error: (...args) =>
        isExpectedError(args[0]) ? logger.debug({ err: args[0] }, 'client error') : logger.error({ err: args[0] }, 'unexpected error'),
    },
    // Served from the gateway itself: Yoga's default page loads from a CDN and is blank offline.
    // Without introspection (production default) GraphiQL could not show the schema: off too.
    renderGraphiQL,
    graphiql: !config.introspection
      ? false
      : graphiql
      ? { title: 'WhatsApp Groups GraphQL', defaultQuery: graphiql.defaultQuery, ...(graphiql.defaultHeaders ? { defaultHeaders: graphiql.defaultHeaders } : {}) }
      : { title: 'WhatsApp Groups GraphQL' },
  });

  return {
    yoga,
    client,
    events,
    handleWebhook,
    markNotReady: () => {
      ready = false;
    },
    close: async (options) => {
      await events.close();
      await client.close(options);
    },
  };
}

/** 503 once shutdown began, or while a dependency (Redis) has not been reached; the body names it, never its URL. */
function readiness(ready: boolean, events: GroupEvents): boolean | Response {
  if (!ready) return false;
  const failed = events.unavailableDependency();
  if (failed === undefined) return true;
  return Response.json({ ready: false, failed: [failed], message: `${failed} is unreachable` }, { status: 503 });
}
