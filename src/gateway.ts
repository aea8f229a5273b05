import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { Config } from './config.js';
import { createContextFactory, type GatewayContext } from './context.js';
import { GraphClient } from './graph/client.js';
import { GroupReader } from './graph/group-reader.js';
import type { Logger } from './logger.js';
import { maskGatewayError, useValidationErrorCode } from './plugins/error-masking.js';
import { usePartialErrors } from './plugins/use-partial-errors.js';
import { useRequestBodyLimit } from './plugins/use-request-body-limit.js';
import { useUploads } from './plugins/use-uploads.js';
import { schema } from './schema/index.js';

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
}

export interface Gateway {
  yoga: YogaServerInstance<Record<string, unknown>, GatewayContext>;
  /** Closes the upstream pool. */
  close(): Promise<void>;
}

/** Builds the gateway: one Graph client and reader for the process, a fresh context per request. */
export function createGateway({ config, graphApiUrl, logger, graphiql }: GatewayOptions): Gateway {
  const client = new GraphClient({
    baseUrl: graphApiUrl,
    version: config.graphApiVersion,
    appSecret: config.appSecret,
    timeoutMs: config.upstreamTimeoutMs,
    connections: config.upstreamConnections,
  });
  const reader = new GroupReader(client, { mode: config.batchMode, singleConcurrency: config.singleConcurrency });

  const yoga = createYoga<Record<string, unknown>, GatewayContext>({
    schema,
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    context: createContextFactory({ reader, client, defaultAccessToken: config.defaultAccessToken }),
    maskedErrors: { maskError: maskGatewayError },
    // Uploads are parsed by useUploads (graphql-upload-ts), not by Yoga, which buffers whole files.
    multipart: false,
    // Enforced by useRequestBodyLimit instead: same limit and answers, without a stream per request.
    maxRequestBodySize: false,
    plugins: [
      // Refuses multipart (and GET) requests without `x-graphql-yoga-csrf` or `apollo-require-preflight`.
      // First: after the upload parser it would see a request already parsed as JSON (notes §1.3 B).
      useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf', 'apollo-require-preflight'] }),
      useUploads(),
      usePartialErrors(),
      useValidationErrorCode(),
      // Last: it limits whichever request parser the plugins above chose.
      useRequestBodyLimit(),
    ],
    logging: {
      debug: (...args) => logger.debug({ yoga: args }, 'yoga'),
      info: (...args) => logger.info({ yoga: args }, 'yoga'),
      warn: (...args) => logger.warn({ yoga: args }, 'yoga'),
      error: (...args) => logger.error({ err: args[0] }, 'unexpected error'),
    },
    // Served from the gateway itself: Yoga's default page loads from a CDN and is blank offline.
    renderGraphiQL,
    graphiql: graphiql
      ? { title: 'WhatsApp Groups GraphQL', defaultQuery: graphiql.defaultQuery, ...(graphiql.defaultHeaders ? { defaultHeaders: graphiql.defaultHeaders } : {}) }
      : { title: 'WhatsApp Groups GraphQL' },
  });

  return { yoga, close: () => client.close() };
}
