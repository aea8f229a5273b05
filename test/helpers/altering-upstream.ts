import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Exchange {
  method: string;
  /** Path and query as the gateway sent them. */
  url: string;
  status: number;
  body: unknown;
  /** What the gateway sent: its body's bytes and content type (to assert exact request bodies). */
  request: { contentType: string | undefined; body: Buffer };
}

/**
 * A loopback server between the gateway and the sandbox that forwards every request and lets a
 * test alter the answer: for faults the sandbox, being a faithful Graph API, never produces (an
 * answer carrying another group's data), or to record what the gateway sent (`alter` returning undefined).
 */
export async function alteringUpstream(
  sandboxUrl: string,
  alter: (exchange: Exchange) => Exchange | undefined,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    const body = await readAll(req);
    const forwarded = await fetch(`${sandboxUrl}${req.url ?? '/'}`, {
      method: req.method ?? 'GET',
      headers: Object.fromEntries(Object.entries(req.headers).filter((e): e is [string, string] => typeof e[1] === 'string' && e[0] !== 'host' && e[0] !== 'content-length')),
      ...(body.length > 0 ? { body: new Uint8Array(body) } : {}),
    });
    const text = await forwarded.text();
    const exchange: Exchange = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      status: forwarded.status,
      body: text ? JSON.parse(text) : undefined,
      request: { contentType: req.headers['content-type'], body },
    };
    const answer = alter(exchange) ?? exchange;
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
