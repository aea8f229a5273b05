import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { GraphQLError, GraphQLSchema, parse } from 'graphql';
import { CloseCode, handleProtocols, makeServer, type Context, type SubscribePayload } from 'graphql-ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { credentialsOf } from '../credentials.js';
import type { ErrorCode } from '../errors.js';
import type { Gateway } from '../gateway.js';
import type { Logger } from '../logger.js';
import { returningAtOnce } from './event-hub.js';
import { resultsOf, type WireError } from './response-results.js';

export interface WebSocketTransport {
  /** Ends every socket with 1001 (going away), after their subscriptions have completed. */
  close(): Promise<void>;
}

export interface WebSocketTransportOptions {
  /** Where failures of the transport itself go (never a client's text, never to the console). */
  logger: Logger;
}

/** What graphql-ws keeps per socket (`ctx.extra`). */
interface SocketExtra {
  socket: WebSocket;
  request: IncomingMessage;
  /** The Authorization value every operation of this socket is sent with; undefined: the default token. */
  authorization?: string | undefined;
  /** Operations still waiting for Yoga's first answer: aborted when the socket closes. */
  readonly pending: Set<AbortController>;
}

/** How often a socket is pinged; one that has not answered the previous ping by then is cut. */
const KEEP_ALIVE_MS = 12_000;
/** Room for graphql-ws's envelope (`{"id":…,"type":"subscribe","payload":…}`) around a request body. */
const ENVELOPE_BYTES = 1024;

// graphql-ws needs an operation to decide between its execute and subscribe: every operation is
// handed over as this placeholder "subscription", whose stream is the results Yoga answered.
const FORWARDED = parse('subscription { forwarded }');
const PLACEHOLDER_SCHEMA = new GraphQLSchema({});

/**
 * GraphQL over WebSocket (graphql-ws's `graphql-transport-ws` protocol) on the GraphQL path, held to
 * the same rules as HTTP by sending every operation through Yoga's HTTP pipeline: each `subscribe`
 * message becomes a `POST /graphql` Request (its body the message's payload, the socket's
 * Authorization) handled by `yoga.fetch`, so trusted documents, query and body limits, operation
 * limits, the operation timeout, the request log line and the metrics apply exactly as they do to
 * HTTP. Yoga's answer is streamed back: a request error (HTTP 4xx/5xx) as a graphql-ws `error`
 * message, each result as `next`.
 *
 * At the upgrade: a browser `Origin` must be the gateway's own or listed in CORS_ORIGINS (no CORS
 * preflight protects a WebSocket), and at most MAX_WEBSOCKET_CONNECTIONS sockets are open. At
 * `connection_init`: a usable token (`connectionParams.authorization`, else the upgrade's
 * Authorization header, else WHATSAPP_ACCESS_TOKEN) or the socket is closed with 4401 (none) or
 * 4403 (malformed). Per socket: MAX_SUBSCRIPTIONS_PER_CONNECTION operations at once; messages up to
 * MAX_REQUEST_BODY_BYTES (larger closes the socket with 1009, as HTTP answers 413).
 */
export function attachWebSocketTransport(server: Server, gateway: Gateway, { logger }: WebSocketTransportOptions): WebSocketTransport {
  const { yoga, config } = gateway;
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.maxRequestBodyBytes + ENVELOPE_BYTES, handleProtocols });

  let closing = false;
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (closing) return refuseUpgrade(socket, 503, 'RATE_LIMITED', 'The server is shutting down; connect to another replica');
    if ((request.url ?? '').split('?', 1)[0] !== yoga.graphqlEndpoint) return refuseUpgrade(socket, 404, 'BAD_USER_INPUT', 'WebSockets are served on the GraphQL path only');
    if (!originAllowed(request.headers.origin, request.headers.host, config.corsOrigins)) {
      return refuseUpgrade(socket, 403, 'FORBIDDEN', 'This Origin may not open a WebSocket here (CORS_ORIGINS)');
    }
    if (wss.clients.size >= config.maxWebSocketConnections) {
      return refuseUpgrade(socket, 503, 'RATE_LIMITED', 'Too many WebSockets are open (MAX_WEBSOCKET_CONNECTIONS); retry later');
    }
    wss.handleUpgrade(request, socket, head, (webSocket) => wss.emit('connection', webSocket, request));
  });

  const protocol = makeServer<Record<string, unknown> | undefined, SocketExtra>({
    onConnect: (ctx) => {
      const fromParams = ctx.connectionParams?.authorization;
      const authorization = fromParams === undefined ? ctx.extra.request.headers.authorization : fromParams;
      if (authorization !== undefined && typeof authorization !== 'string') return refuseConnection(ctx, CloseCode.Forbidden, 'Forbidden: authorization must be a string');
      const credentials = credentialsOf(new Request('http://websocket.invalid/', { headers: authorization ? { authorization } : {} }), config.defaultAccessToken);
      if (typeof credentials !== 'string') {
        return authorization?.trim()
          ? refuseConnection(ctx, CloseCode.Forbidden, 'Forbidden: authorization must be `Bearer <WhatsApp access token>`')
          : refuseConnection(ctx, CloseCode.Unauthorized, 'Unauthorized: send connectionParams.authorization `Bearer <token>`');
      }
      ctx.extra.authorization = authorization?.trim() ? authorization : undefined;
      return true;
    },
    onSubscribe: async (ctx, _id, payload) => {
      // ctx.subscriptions already holds this operation.
      if (Object.keys(ctx.subscriptions).length > config.maxSubscriptionsPerConnection) {
        return [codedError('RATE_LIMITED', `At most ${config.maxSubscriptionsPerConnection} operations may run at once on one WebSocket (MAX_SUBSCRIPTIONS_PER_CONNECTION)`)];
      }
      const controller = new AbortController();
      ctx.extra.pending.add(controller);
      try {
        const response = await yoga.fetch(operationRequest(yoga.graphqlEndpoint, payload, ctx.extra.authorization, controller.signal), {});
        if (response.status >= 400) {
          const body = (await response.json().catch(() => ({}))) as { errors?: WireError[] };
          const errors = body.errors?.length ? body.errors : [{ message: `Refused (HTTP ${response.status})`, extensions: { code: 'BAD_USER_INPUT' } }];
          return errors.map((error) => new ForwardedError(error));
        }
        return {
          schema: PLACEHOLDER_SCHEMA,
          document: FORWARDED,
          // The generator must stop at once when the client leaves, even while it waits for a quiet stream.
          rootValue: returningAtOnce(resultsOf(response, controller.signal), () => {
            controller.abort();
            // Never started (the client left at once): nothing reads the body, so cancel it here.
            if (response.body && !response.body.locked) void response.body.cancel().catch(() => undefined);
          }),
        };
      } finally {
        ctx.extra.pending.delete(controller);
      }
    },
    subscribe: ({ rootValue }) => rootValue as AsyncGenerator<never>,
    execute: () => {
      throw new Error('unreachable: every operation is forwarded as a subscription');
    },
    // Results and errors come serialised (and masked) by Yoga: sent as they are.
    onNext: (_ctx, _id, _payload, _args, result) => result,
    onError: (_ctx, _id, _payload, errors) =>
      errors.map((error) => {
        if (error instanceof ForwardedError) return error.wire;
        logger.error({ err: error }, 'websocket: operation failed');
        return { message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
      }),
  });

  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    const extra: SocketExtra = { socket, request, pending: new Set() };
    // A message over maxPayload, invalid UTF-8…: ws closes the socket itself (1009, 1007).
    socket.on('error', (error) => logger.debug({ err: { message: error.message } }, 'websocket: socket error'));
    let alive = true;
    socket.on('pong', () => (alive = true));
    const keepAlive = setInterval(() => {
      if (!alive) return void socket.terminate();
      alive = false;
      socket.ping();
    }, KEEP_ALIVE_MS);
    const closed = protocol.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve) => {
            if (socket.readyState !== socket.OPEN) return resolve();
            socket.send(data, () => resolve());
          }),
        close: (code, reason) => {
          if (socket.readyState === socket.OPEN) socket.close(code, reason);
        },
        onMessage: (handle) =>
          socket.on('message', (data: Buffer) => {
            handle(data.toString('utf8')).catch((error: unknown) => {
              // Never the client's text: the hooks above do not throw on any message it can send.
              logger.error({ err: error }, 'websocket: message handling failed');
              if (socket.readyState === socket.OPEN) socket.close(CloseCode.InternalServerError, 'Internal server error');
            });
          }),
      },
      extra,
    );
    socket.once('close', (code, reason) => {
      clearInterval(keepAlive);
      for (const controller of extra.pending) controller.abort();
      void closed(code, reason.toString('utf8'));
    });
  });

  return {
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        // Ending a subscription sends its `complete` a few ticks later: let those go out first.
        setTimeout(() => {
          for (const client of wss.clients) client.close(1001, 'Server shutting down');
          wss.close(() => resolve());
        }, 100);
        // Sockets that do not answer the close handshake are cut.
        setTimeout(() => {
          for (const client of wss.clients) client.terminate();
        }, 1500).unref();
      }),
  };
}

/**
 * One socket operation as the HTTP request a client would have sent: JSON POST with the socket's
 * Authorization. A trusted-documents client sends `documentId` (or the persisted-query extension)
 * with an empty `query`, which graphql-ws requires to be a string.
 */
function operationRequest(endpoint: string, payload: SubscribePayload & { documentId?: unknown }, authorization: string | undefined, signal: AbortSignal): Request {
  const namesDocument = payload.documentId !== undefined || payload.extensions?.persistedQuery !== undefined;
  const body = {
    ...(payload.query || !namesDocument ? { query: payload.query } : {}),
    operationName: payload.operationName ?? undefined,
    variables: payload.variables ?? undefined,
    extensions: payload.extensions ?? undefined,
    documentId: payload.documentId,
  };
  return new Request(`http://websocket.invalid${endpoint}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      // A single result as JSON (with its HTTP status), a stream (subscription) as SSE.
      accept: 'application/graphql-response+json, text/event-stream',
      ...(authorization ? { authorization } : {}),
    },
    body: JSON.stringify(body),
    signal,
  });
}

/** An error exactly as Yoga serialised it (masked, with its code), to be sent on unchanged. */
class ForwardedError extends GraphQLError {
  constructor(readonly wire: WireError) {
    super(wire.message, { extensions: wire.extensions ?? {} });
  }
}

function codedError(code: ErrorCode, message: string): ForwardedError {
  return new ForwardedError({ message, extensions: { code } });
}

/**
 * No Origin: not a browser, allowed (as over HTTP). A browser page may open a socket from the
 * gateway's own origin, or from an origin listed in CORS_ORIGINS (`*`: any).
 */
function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[] | undefined): boolean {
  if (origin === undefined) return true;
  if (allowed?.includes('*') || allowed?.includes(origin)) return true;
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

function refuseUpgrade(socket: Duplex, status: number, code: ErrorCode, message: string): void {
  const body = JSON.stringify({ errors: [{ message, extensions: { code } }] });
  const reason = { 403: 'Forbidden', 404: 'Not Found', 503: 'Service Unavailable' }[status] ?? 'Refused';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `${status === 503 ? 'Retry-After: 1\r\n' : ''}\r\n${body}`,
  );
}

/** Closes with our own code and reason; graphql-ws's own close (4403) that follows is then a no-op. */
function refuseConnection(ctx: Context<Record<string, unknown> | undefined, SocketExtra>, code: number, reason: string): false {
  ctx.extra.socket.close(code, reason);
  return false;
}
