import type { Server } from 'node:http';
import type { ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Gateway } from '../gateway.js';

export interface WebSocketTransport {
  /** Ends every socket with 1001 (going away), after their subscriptions have completed. */
  close(): Promise<void>;
}

interface EnvelopedRoot {
  execute(args: ExecutionArgs): unknown;
  subscribe(args: ExecutionArgs): unknown;
}

/**
 * GraphQL over WebSocket (the `graphql-transport-ws` protocol of graphql-ws) on the GraphQL path,
 * running operations through Yoga's envelop (same plugins, masking and context as HTTP). The token
 * comes from `connectionParams.authorization` (browsers cannot set headers on a WebSocket), else
 * from the upgrade request's Authorization header.
 */
export function attachWebSocketTransport(server: Server, gateway: Gateway, { production }: { production: boolean }): WebSocketTransport {
  const wss = new WebSocketServer({ server, path: gateway.yoga.graphqlEndpoint });
  const { yoga } = gateway;

  useServer(
    {
      isProd: production,
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args) as never,
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args) as never,
      onSubscribe: async (ctx, _id, payload) => {
        const fromParams = ctx.connectionParams?.authorization;
        const authorization = typeof fromParams === 'string' ? fromParams : ctx.extra.request.headers.authorization;
        const request = new Request(`http://websocket.invalid${yoga.graphqlEndpoint}`, {
          headers: authorization ? { authorization } : {},
        });
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({ request, params: payload });
        const document = parse(payload.query);
        const errors = validate(schema, document);
        if (errors.length > 0) return errors;
        return {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe } satisfies EnvelopedRoot,
        };
      },
    },
    wss,
  );

  return {
    close: () =>
      new Promise<void>((resolve) => {
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
