import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { loadConfig } from '../../src/config.js';
import { createGateway, type Gateway } from '../../src/gateway.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';
import { createRequestListener } from '../../src/server.js';

export interface GraphQLResponse<TData> {
  status: number;
  body: { data?: TData | null; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[] };
}

export interface TestGateway {
  /** The gateway's GraphQL endpoint, e.g. http://127.0.0.1:41234/graphql */
  url: string;
  sandbox: Sandbox;
  gateway: Gateway;
  /** POSTs an operation as JSON with TEST_TOKEN; a header set to `undefined` is left out. */
  query<TData, TVariables>(
    document: TypedDocumentNode<TData, TVariables> | string,
    variables?: TVariables,
    headers?: Record<string, string | undefined>,
  ): Promise<GraphQLResponse<TData>>;
  /** The Graph requests the sandbox received since the last call (and forgets them). */
  takeUpstreamRequests(): Sandbox['requests'];
  close(): Promise<void>;
}

/** Sent by `query()` unless a test says otherwise: the sandbox lets it see every group. */
export const TEST_TOKEN = 'test-token-sees-all-groups';

/**
 * A real gateway on 127.0.0.1:0 in front of a real sandbox on 127.0.0.1:0: tests speak HTTP to it and
 * read what went upstream from the sandbox's request log.
 */
export async function startGateway(
  options: {
    env?: Record<string, string>;
    sandbox?: SandboxOptions;
    logger?: Logger;
    /** Puts something between the gateway and the sandbox (e.g. a server that alters answers); closed with the gateway. */
    upstream?: (sandboxUrl: string) => Promise<{ url: string; close(): Promise<void> }>;
  } = {},
): Promise<TestGateway> {
  const sandbox = await startSandbox({ seedDemo: true, ...options.sandbox });
  sandbox.tokens.addToken(TEST_TOKEN, { groups: '*' });
  const upstream = options.upstream ? await options.upstream(sandbox.url) : undefined;
  const graphApiUrl = upstream?.url ?? sandbox.url;
  const config = loadConfig({ NODE_ENV: 'test', GRAPH_API_URL: graphApiUrl, ...options.env });
  const logger = options.logger ?? createLogger({ level: 'silent' });
  const gateway = createGateway({ config, graphApiUrl, logger });
  // The routes of the public port (Yoga, /metrics, the webhook route), without startServer's shutdown.
  const server: Server = createServer(createRequestListener(gateway, logger, { servesMetrics: true }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;

  return {
    url,
    sandbox,
    gateway,
    async query(document, variables, headers = {}) {
      const allHeaders: Record<string, string | undefined> = {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        authorization: `Bearer ${TEST_TOKEN}`,
        ...headers,
      };
      const response = await fetch(url, {
        method: 'POST',
        // `undefined` removes a default header (e.g. to send no Authorization at all).
        headers: Object.fromEntries(Object.entries(allHeaders).filter((e): e is [string, string] => e[1] !== undefined)),
        body: JSON.stringify({ query: typeof document === 'string' ? document : print(document), variables }),
      });
      return { status: response.status, body: (await response.json()) as GraphQLResponse<never>['body'] };
    },
    takeUpstreamRequests() {
      const taken = [...sandbox.requests];
      sandbox.clearRequests();
      return taken;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await gateway.close();
      await upstream?.close();
      await sandbox.close();
    },
  };
}
