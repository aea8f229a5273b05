/**
 * The HTTP server (node:http): `/__sandbox/…` goes to the admin API, everything else is
 * Graph. close() never hangs: it stops pending latency timers and drops every connection,
 * keep-alive and hung ones included.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ADMIN_PREFIX, handleAdminRequest, type AdminDeps } from './admin.js';
import { graphError } from './graph-errors.js';
import { handleGraphRequest, type GraphHttpDeps } from './graph-http.js';
import { jsonReply, sendReply } from './reply.js';

/** Above common client pools' idle timeouts, so the server is not the side that drops them. */
const KEEP_ALIVE_TIMEOUT_MS = 5_000;

export type ServerDeps = Omit<GraphHttpDeps, 'shutdown'> & AdminDeps;

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export async function listen(deps: ServerDeps, host: string, port: number): Promise<RunningServer> {
  const shutdown = new AbortController();
  const graphDeps: GraphHttpDeps = { ...deps, shutdown: shutdown.signal };
  const server = createServer((req, res) => {
    const url = requestUrl(req);
    const work = url.pathname.startsWith(ADMIN_PREFIX)
      ? handleAdminRequest(deps, req, res, url)
      : handleGraphRequest(graphDeps, req, res, url);
    work.catch((error: unknown) => internalError(deps, res, error));
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.on('clientError', (_error, socket) => {
    // Malformed HTTP: answer 400 if we still can, as Node's default handler would.
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${hostPart}:${address.port}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        shutdown.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** Origin-form targets only; `//x` stays a path rather than becoming a host. */
function requestUrl(req: IncomingMessage): URL {
  const target = req.url ?? '/';
  try {
    return new URL(target.startsWith('/') ? `http://sandbox.invalid${target}` : target);
  } catch {
    return new URL('http://sandbox.invalid/');
  }
}

/** A bug in the emulator answers like Graph's own unknown error, and is logged. */
function internalError(deps: ServerDeps, res: ServerResponse, error: unknown): void {
  deps.ctx.config.logger?.info({ err: error instanceof Error ? error.message : String(error) }, 'sandbox internal error');
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  sendReply(res, jsonReply(500, graphError('unknownError').envelope()));
}
