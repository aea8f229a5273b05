import { request as httpRequest, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga, type YogaServerInstance } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useRequestBodyLimit } from '../../src/plugins/use-request-body-limit.js';

const LIMIT = 1_000;
const schema = createSchema({ typeDefs: 'type Query { echo(text: String!): String! }', resolvers: { Query: { echo: (_: unknown, a: { text: string }) => a.text } } });

// The same limit twice: Yoga's own, and the plugin that replaces it. Every answer must match.
const yogaOwn = createYoga({ schema, logging: false, maxRequestBodySize: LIMIT });
const withPlugin = createYoga({ schema, logging: false, maxRequestBodySize: false, plugins: [useRequestBodyLimit({ maxBytes: LIMIT })] });

interface Answer {
  status: number;
  body: unknown;
}

const servers: Server[] = [];
const urls = new Map<YogaServerInstance<object, object>, string>();
beforeAll(async () => {
  for (const yoga of [yogaOwn, withPlugin]) {
    const server = createServer(yoga);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    urls.set(yoga, `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`);
  }
});
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

const operation = (textLength: number) => JSON.stringify({ query: 'query($t: String!) { echo(text: $t) }', variables: { t: 'x'.repeat(textLength) } });

/** POST over real HTTP; `chunked` sends the body without a Content-Length. */
function post(url: string, body: string, chunked: boolean): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(chunked ? {} : { 'content-length': Buffer.byteLength(body) }) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown }));
    });
    req.on('error', reject);
    if (chunked) {
      // Two writes: Node then sends Transfer-Encoding: chunked.
      req.write(body.slice(0, 10));
      req.end(body.slice(10));
    } else {
      req.end(body);
    }
  });
}

async function inProcess(yoga: typeof yogaOwn, body: string, headers: Record<string, string>): Promise<Answer> {
  const response = await yoga.fetch('http://yoga/graphql', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, body: (await response.json()) as unknown };
}

describe('the request body limit answers exactly as Yoga\'s maxRequestBodySize', () => {
  it.each([
    ['a body within the limit, with Content-Length', 100, false],
    ['a body over the limit, with Content-Length', 2_000, false],
    ['a body within the limit, chunked', 100, true],
    ['a body over the limit, chunked', 2_000, true],
  ])('%s (over HTTP)', async (_label, textLength, chunked) => {
    const own = await post(urls.get(yogaOwn)!, operation(textLength), chunked);
    const plugin = await post(urls.get(withPlugin)!, operation(textLength), chunked);
    expect(plugin).toEqual(own);
    expect(own.status).toBe(textLength > LIMIT ? 413 : 200);
  });

  it.each([
    ['a body over the limit, Content-Length declared', operation(2_000), { 'content-length': String(operation(2_000).length) }],
    ['a body over the limit, Content-Length understated', operation(2_000), { 'content-length': '10' }],
    ['a malformed Content-Length', operation(10), { 'content-length': '12, 12' }],
  ])('%s (yoga.fetch, no Node server)', async (_label, body, headers) => {
    const own = await inProcess(yogaOwn, body, headers);
    const plugin = await inProcess(withPlugin, body, headers);
    expect(plugin).toEqual(own);
    expect(own.status).not.toBe(200);
  });
});
