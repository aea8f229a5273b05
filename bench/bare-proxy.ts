/**
 * The ceiling for any Node gateway: a hand-written node:http server that forwards each incoming
 * request, unchanged, to the upstream through an undici Pool and returns the upstream answer. It
 * does no GraphQL work, but it does what every gateway must: read the whole request, make one
 * keep-alive upstream call, read the whole answer, write it back with a content-length.
 *
 * One incoming request is one upstream request, so the benchmark sends it the REST call(s) the
 * gateway makes for the same operation (for 20 aliased lookups: the one batch request).
 *
 * Env: UPSTREAM_URL (required), PORT (default 0), HOST (127.0.0.1), UPSTREAM_CONNECTIONS (64).
 */
import { createServer, type IncomingMessage } from 'node:http';
import { Pool } from 'undici';

const upstream = process.env.UPSTREAM_URL;
if (!upstream) throw new Error('UPSTREAM_URL is required');
const pool = new Pool(upstream, { connections: Number(process.env.UPSTREAM_CONNECTIONS ?? 64), keepAliveTimeout: 30_000 });

const FORWARDED = ['authorization', 'content-type', 'accept'] as const;

const server = createServer(async (req, res) => {
  if (req.url === '/__proxy/health') {
    res.end('ok');
    return;
  }
  try {
    const body = await readBody(req);
    const headers: Record<string, string> = {};
    for (const name of FORWARDED) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const answer = await pool.request({
      method: req.method as 'GET' | 'POST' | 'DELETE',
      path: req.url ?? '/',
      headers,
      body: body.length > 0 ? body : null,
    });
    const payload = Buffer.from(await answer.body.arrayBuffer());
    res.writeHead(answer.statusCode, {
      'content-type': String(answer.headers['content-type'] ?? 'application/json'),
      'content-length': payload.length,
    });
    res.end(payload);
  } catch (error) {
    res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: (error as Error).message } }));
  }
});
server.keepAliveTimeout = 65_000;

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`bare proxy listening on ${typeof address === 'object' && address ? address.port : '?'}\n`);
});

// A clean exit on SIGINT lets --cpu-prof write its profile.
process.once('SIGINT', () => {
  server.close();
  server.closeAllConnections();
  void pool.close().finally(() => process.exit(0));
});
