import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { GraphClient } from '../../src/graph/client.js';
import { groupReadRoute } from '../../src/graph/route.js';
import { createGateway } from '../../src/gateway.js';
import { createLogger } from '../../src/logger.js';

/**
 * Upstream answers the sandbox never gives (it is a faithful Graph API): an endless or oversized
 * body, a redirect to another host. A small node:http server plays the hostile upstream; the
 * gateway's own client talks to it over real HTTP.
 */
interface Upstream {
  url: string;
  /** Requests received, with the Authorization header each carried. */
  requests: { path: string; authorization: string | undefined }[];
  close(): Promise<void>;
}

const servers: Upstream[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function upstream(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Upstream> {
  const requests: Upstream['requests'] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ path: req.url ?? '', authorization: req.headers.authorization });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const running = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  servers.push(running);
  return running;
}

const MiB = 1024 * 1024;
const TOKEN = 'EAAtenantToken0123456789';
const READ_ROUTE = groupReadRoute('group-id');

/** Writes 64 KiB chunks as fast as the client reads them, up to 64 MiB; resolves with the bytes written when the connection ends. */
function endlessBody(res: ServerResponse, headers: Record<string, string> = {}): Promise<number> {
  res.writeHead(200, { 'content-type': 'application/json', ...headers });
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  let written = 0;
  return new Promise((resolve) => {
    res.once('close', () => resolve(written));
    const pump = () => {
      while (written < 64 * MiB && !res.destroyed) {
        written += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    res.write('{"id":"');
    pump();
  });
}

function clientFor(baseUrl: string, more: Partial<ConstructorParameters<typeof GraphClient>[0]> = {}) {
  return new GraphClient({ baseUrl, version: 'v23.0', timeoutMs: 15_000, connections: 2, maxConcurrency: 4, maxQueue: 4, retries: 2, ...more });
}

describe('UPSTREAM_MAX_RESPONSE_BYTES', () => {
  it('an endless chunked answer is UPSTREAM_ERROR after the limit; reading stops there (the upstream sees its connection close)', async () => {
    let written: Promise<number> | undefined;
    const hostile = await upstream((_req, res) => void (written = endlessBody(res)));
    const client = clientFor(hostile.url, { maxResponseBytes: 1 * MiB });
    try {
      const error = await client.call({ method: 'GET', path: '/group-id', route: READ_ROUTE, retry: 'read' }, { token: TOKEN }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'UPSTREAM_ERROR', message: expect.stringMatching(/larger than 1048576 bytes \(UPSTREAM_MAX_RESPONSE_BYTES\)/) });
      // What the upstream managed to write: the limit plus what socket buffers hold, far from 64 MiB.
      expect(await written).toBeLessThan(24 * MiB);
      // Not retried: the same answer would come again.
      expect(hostile.requests).toHaveLength(1);
    } finally {
      await client.close({ force: true });
    }
  });

  it('a declared Content-Length over the limit is refused before reading the body', async () => {
    let written: Promise<number> | undefined;
    const hostile = await upstream((_req, res) => void (written = endlessBody(res, { 'content-length': String(40 * MiB) })));
    const client = clientFor(hostile.url, { maxResponseBytes: 1 * MiB });
    try {
      await expect(client.call({ method: 'GET', path: '/group-id', route: READ_ROUTE, retry: 'read' }, { token: TOKEN })).rejects.toMatchObject({ code: 'UPSTREAM_ERROR' });
      expect(await written).toBeLessThan(24 * MiB);
    } finally {
      await client.close({ force: true });
    }
  });

  it('an answer within the limit is read whole', async () => {
    const group = { id: 'Y2FwaV9ncm91cDox', subject: 'x'.repeat(500_000) };
    const fine = await upstream((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(group)));
    const client = clientFor(fine.url, { maxResponseBytes: 1 * MiB });
    try {
      expect(await client.call({ method: 'GET', path: '/group-id', route: READ_ROUTE, retry: 'read' }, { token: TOKEN })).toEqual(group);
    } finally {
      await client.close();
    }
  });

  it('through GraphQL, with the default of 8 MiB: a 40 MB answer is the field\'s UPSTREAM_ERROR, not data', async () => {
    const hostile = await upstream((_req, res) => void endlessBody(res));
    const config = loadConfig({ NODE_ENV: 'test', GRAPH_API_URL: hostile.url });
    expect(config.upstreamMaxResponseBytes).toBe(8 * MiB);
    const gateway = createGateway({ config, graphApiUrl: hostile.url, logger: createLogger({ level: 'silent' }) });
    try {
      const response = await gateway.yoga.fetch('http://gateway/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ query: '{ group(id: "Y2FwaV9ncm91cDox") { id subject } }' }),
      });
      expect(await response.json()).toEqual({
        data: { group: null },
        errors: [expect.objectContaining({ path: ['group'], extensions: { code: 'UPSTREAM_ERROR' }, message: expect.stringMatching(/UPSTREAM_MAX_RESPONSE_BYTES/) })],
      });
    } finally {
      await gateway.close({ force: true });
    }
  });
});

describe('redirects', () => {
  it.each([301, 302, 303, 307, 308])('HTTP %i is UPSTREAM_ERROR, never followed: the Authorization header never reaches the target', async (status) => {
    const target = await upstream((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"stolen"}'));
    const redirecting = await upstream((req, res) => res.writeHead(status, { location: `${target.url}${req.url ?? '/'}` }).end());
    const client = clientFor(redirecting.url);
    try {
      const error = await client.call({ method: 'GET', path: '/group-id', route: READ_ROUTE, retry: 'read' }, { token: TOKEN }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'UPSTREAM_ERROR', message: expect.stringMatching(new RegExp(`redirect \\(HTTP ${status}\\)`)) });
      expect(redirecting.requests).toEqual([expect.objectContaining({ authorization: `Bearer ${TOKEN}` })]);
      expect(target.requests).toEqual([]);
    } finally {
      await client.close();
    }
  });
});

describe('credentials echoed inside a batch answer', () => {
  it("a batch slot's error body that quotes the token is scrubbed before anyone parses it", async () => {
    const slot = { code: 400, body: JSON.stringify({ error: { message: `(#100) Invalid token ${TOKEN}`, type: 'OAuthException', code: 100 } }) };
    const echoing = await upstream((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify([slot])));
    const client = clientFor(echoing.url);
    try {
      const answer = await client.call({ method: 'POST', path: '/', route: { kind: 'groups.batch', template: '/', slots: [] }, body: { form: { batch: '[]' } }, retry: 'read' }, { token: TOKEN });
      expect(JSON.stringify(answer)).not.toContain(TOKEN);
      expect(JSON.parse((answer as { body: string }[])[0]!.body)).toMatchObject({ error: { message: '(#100) Invalid token [redacted]' } });
    } finally {
      await client.close();
    }
  });
});
