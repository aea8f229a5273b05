import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { attachWebSocketTransport } from './events/websocket-transport.js';
import type { Gateway } from './gateway.js';
import type { Logger } from './logger.js';
import { WEBHOOK_PATH } from './webhooks/route.js';

export interface ServerOptions {
  gateway: Gateway;
  logger: Logger;
  port: number;
  host: string;
  /** SHUTDOWN_TIMEOUT_MS: how long requests in flight may take to finish once shutdown begins. */
  shutdownTimeoutMs: number;
  /** HEADERS_TIMEOUT_MS: how long a client may take to send its request headers (default 30 s). */
  headersTimeoutMs?: number;
  /** REQUEST_TIMEOUT_MS: how long a client may take to send its whole request, body included (default 120 s). */
  requestTimeoutMs?: number;
}

export interface GatewayServer {
  server: Server;
  port: number;
  /**
   * Graceful stop: `/ready` answers 503, no new connections are accepted, requests in flight finish
   * (connections cut after `shutdownTimeoutMs`), then the upstream pool closes. Resolves with
   * whether everything finished in time; calling it again returns the same promise.
   */
  shutdown(reason: string): Promise<{ graceful: boolean }>;
}

/** Listens with the gateway and owns its graceful shutdown. */
export async function startServer({
  gateway,
  logger,
  port,
  host,
  shutdownTimeoutMs,
  headersTimeoutMs = 30_000,
  requestTimeoutMs = 120_000,
}: ServerOptions): Promise<GatewayServer> {
  const server = createServer(
    {
      // A client that dribbles its headers (slowloris) or its body is cut (HTTP 408, then the
      // connection closes), so it cannot hold a connection and its memory for long.
      headersTimeout: headersTimeoutMs,
      requestTimeout: requestTimeoutMs,
      // Node checks both timeouts only this often (30 s by default, which would double the bound).
      connectionsCheckingInterval: Math.min(1_000, Math.max(50, Math.floor(headersTimeoutMs / 4))),
    },
    // The webhook route is not GraphQL: it needs the raw body (for its signature) before any parsing.
    (req, res) => {
      if (isWebhookPath(req.url)) {
        gateway.handleWebhook(req, res).catch((error: unknown) => {
          logger.error({ err: error }, 'webhooks: unexpected failure');
          if (!res.headersSent) res.writeHead(500).end();
        });
        return;
      }
      void gateway.yoga(req, res);
    },
  );
  const webSockets = attachWebSocketTransport(server, gateway, { logger });
  // Above common load-balancer idle timeouts (60 s). Node 20 applies headersTimeout from a
  // request's first byte, not to an idle keep-alive connection, so it may be the shorter one.
  server.keepAliveTimeout = 65_000;

  let inFlight = 0;
  let shuttingDown = false;
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    inFlight++;
    if (shuttingDown) res.setHeader('connection', 'close');
    res.once('close', () => {
      inFlight--;
      // Node 20: a response that was in flight when close() was called keeps its socket alive until
      // keepAliveTimeout, and close() waits for it (library notes §9): let it go as soon as it is idle.
      if (shuttingDown) setImmediate(() => server.closeIdleConnections());
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  let stopping: Promise<{ graceful: boolean }> | undefined;
  const shutdown = (reason: string) =>
    (stopping ??= (async () => {
      shuttingDown = true;
      gateway.markNotReady();
      logger.info({ reason, inFlight, timeoutMs: shutdownTimeoutMs }, 'shutting down: not ready, finishing requests in flight');
      // Subscriptions never end on their own: complete them (clients may resume elsewhere with `after`).
      gateway.events.endSubscriptions();
      const socketsClosed = webSockets.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), shutdownTimeoutMs);
      });
      const graceful = (await Promise.race([closed, timedOut])) !== 'timeout';
      clearTimeout(timer);
      if (!graceful) {
        logger.warn({ inFlight }, `requests still in flight after ${shutdownTimeoutMs} ms: closing their connections`);
        server.closeAllConnections();
        await closed;
      }
      await socketsClosed;
      await gateway.close({ force: !graceful });
      await gateway.yoga.dispose();
      logger.info({ graceful }, 'gateway stopped');
      return { graceful };
    })());

  return { server, port: (server.address() as AddressInfo).port, shutdown };
}

function isWebhookPath(url: string | undefined): boolean {
  const path = (url ?? '').split('?', 1)[0];
  return path === WEBHOOK_PATH;
}
