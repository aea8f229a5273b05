import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { attachWebSocketTransport } from './events/websocket-transport.js';
import type { Gateway } from './gateway.js';
import type { Logger } from './logger.js';
import { METRICS_PATH } from './observability/metrics-route.js';
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
  /** METRICS_PORT: `/metrics` is served there (on `metricsHost`) and the public port answers it 404. */
  metricsPort?: number | undefined;
  /** METRICS_HOST (default 127.0.0.1). */
  metricsHost?: string;
}

export interface GatewayServer {
  server: Server;
  port: number;
  /** The port `/metrics` listens on when METRICS_PORT is set (its actual port when it was 0). */
  metricsPort: number | undefined;
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
  metricsPort,
  metricsHost = '127.0.0.1',
}: ServerOptions): Promise<GatewayServer> {
  const timeouts = serverTimeouts(headersTimeoutMs, requestTimeoutMs);
  const server = createServer(timeouts, createRequestListener(gateway, logger, { servesMetrics: metricsPort === undefined }));
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

  await listen(server, port, host);
  // Only /metrics, with the same timeouts: Prometheus reaches it, the public never does.
  const metricsServer = metricsPort === undefined || !gateway.handleMetrics ? undefined : createServer(timeouts, metricsOnlyListener(gateway.handleMetrics, logger));
  if (metricsServer) await listen(metricsServer, metricsPort!, metricsHost);

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
      // Last to go: a scrape during shutdown still sees the final counts.
      metricsServer?.closeAllConnections();
      await new Promise<void>((resolve) => (metricsServer ? metricsServer.close(() => resolve()) : resolve()));
      await gateway.close({ force: !graceful });
      await gateway.yoga.dispose();
      logger.info({ graceful }, 'gateway stopped');
      return { graceful };
    })());

  return {
    server,
    port: (server.address() as AddressInfo).port,
    metricsPort: metricsServer && (metricsServer.address() as AddressInfo).port,
    shutdown,
  };
}

/**
 * The public port's routes: the webhook route and (unless METRICS_PORT moved it) the metrics route
 * need the raw request, in front of Yoga; everything else is Yoga's (/graphql, /health, /ready).
 */
export function createRequestListener(gateway: Gateway, logger: Logger, { servesMetrics }: { servesMetrics: boolean }) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = pathOf(req.url);
    if (path === WEBHOOK_PATH) {
      gateway.handleWebhook(req, res).catch((error: unknown) => {
        logger.error({ err: error }, 'webhooks: unexpected failure');
        if (!res.headersSent) res.writeHead(500).end();
      });
      return;
    }
    if (path === METRICS_PATH && servesMetrics && gateway.handleMetrics) {
      void gateway.handleMetrics(req, res);
      return;
    }
    void gateway.yoga(req, res);
  };
}

/** METRICS_PORT's only route; anything else there is 404. */
function metricsOnlyListener(handleMetrics: NonNullable<Gateway['handleMetrics']>, logger: Logger) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (pathOf(req.url) === METRICS_PATH) {
      void handleMetrics(req, res);
      return;
    }
    logger.warn({ method: req.method, status: 404 }, 'metrics port: refused a request for another path');
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Only /metrics is served on this port');
  };
}

/**
 * A client that dribbles its headers (slowloris) or its body is cut (HTTP 408, then the
 * connection closes), so it cannot hold a connection and its memory for long.
 */
function serverTimeouts(headersTimeoutMs: number, requestTimeoutMs: number) {
  return {
    headersTimeout: headersTimeoutMs,
    requestTimeout: requestTimeoutMs,
    // Node checks both timeouts only this often (30 s by default, which would double the bound).
    connectionsCheckingInterval: Math.min(1_000, Math.max(50, Math.floor(headersTimeoutMs / 4))),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function pathOf(url: string | undefined): string {
  return (url ?? '').split('?', 1)[0]!;
}
