import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphClient } from '../../src/graph/client.js';
import { createLogger, REDACTED_PATHS } from '../../src/logger.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { LogCapture } from '../helpers/log-capture.js';

/** Everything the gateway logs, one parsed JSON object per line. */
const APP_SECRET = 'app-secret-0123456789abcdef';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let gw: TestGateway;
let logs: LogCapture;
let token: string;
let started: number;
beforeAll(async () => {
  logs = new LogCapture();
  started = Math.floor(Date.now() / 1000);
  gw = await startGateway({
    env: { WHATSAPP_APP_SECRET: APP_SECRET },
    sandbox: { appSecret: APP_SECRET },
    // The most verbose level: not even debug output may hold a secret.
    logger: createLogger({ level: 'trace', destination: logs }),
  });
  token = gw.sandbox.demoToken!;
});
afterAll(() => gw.close());

async function post(body: object, headers: Record<string, string> = {}) {
  const response = await fetch(gw.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body: JSON.stringify(body),
  });
  return { response, body: (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] } };
}

describe('request ids', () => {
  it('a sane x-request-id is kept: returned, sent upstream on every Graph call, on the log line', async () => {
    gw.takeUpstreamRequests();
    const [a, b] = gw.sandbox.demoGroupIds;
    const { response } = await post({ query: `query Two { a: group(id: "${a}") { id } b: group(id: "${b}") { id } c: group(id: "${a}") { subject } }` }, { 'x-request-id': 'req-42.abc' });
    expect(response.headers.get('x-request-id')).toBe('req-42.abc');
    const upstream = gw.takeUpstreamRequests();
    expect(upstream.length).toBeGreaterThan(0);
    expect(upstream.map((r) => r.requestId)).toEqual(upstream.map(() => 'req-42.abc'));
    const line = logs.lines.find((l) => l.msg === 'graphql request' && l.requestId === 'req-42.abc');
    expect(line).toMatchObject({ level: 30, operationName: 'Two', operationType: 'query', status: 200, upstreamCalls: upstream.length, durationMs: expect.any(Number) });
  });

  it.each([['with a space', 'a b'], ['with a backslash', 'a\\b'], ['too long', 'x'.repeat(200)], ['absent', undefined]])(
    'an x-request-id %s is replaced by a UUID',
    async (_label, incoming) => {
      const { response } = await post({ query: '{ __typename }' }, incoming === undefined ? {} : { 'x-request-id': incoming });
      expect(response.headers.get('x-request-id')).toMatch(UUID);
    },
  );

  it('every log line written while a request is served carries its id; one line per operation with its error codes', async () => {
    logs.text = '';
    await post({ query: '{ group(id: "Y2FwaV9ncm91cDpnb25l") { id } }' }, { 'x-request-id': 'req-unknown' });
    const lines = logs.lines;
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line.requestId, JSON.stringify(line).slice(0, 400)).toBe('req-unknown');
    expect(lines.filter((l) => l.msg === 'graphql request')).toEqual([
      expect.objectContaining({ operationName: null, errorCodes: ['NOT_FOUND'], upstreamCalls: 1 }),
    ]);
  });
});

describe('token hygiene', () => {
  it('no token, app secret or appsecret_proof appears in any log line, whatever happens', async () => {
    const otherToken = 'EAAG-not-a-valid-token-7f3a9';
    const id = gw.sandbox.demoGroupIds[0]!;
    await post({ query: `{ group(id: "${id}") { id subject } literal: group(id: "literal-secret-123") { id } }` });
    await post({ query: `{ group(id: "${id}") { id } }` }, { authorization: `Bearer ${otherToken}` });
    await post({ query: '{ group(id: "x") { subjct } }' });
    await post({ query: '{ group(' });
    gw.sandbox.faults.inject({ kind: 'status', status: 500, graphCode: 1, times: 3 });
    await post({ query: `{ group(id: "${id}") { id } }` });
    await fetch(`${gw.url}?query=${encodeURIComponent('{ __typename }')}&access_token=${token}`, { headers: { authorization: `Bearer ${token}` } });
    const text = logs.text;
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toContain(token);
    expect(text).not.toContain(otherToken);
    expect(text).not.toContain(APP_SECRET);
    expect(text).not.toContain('literal-secret-123');
    const now = Math.floor(Date.now() / 1000);
    for (let time = started - 5; time <= now + 5; time++) {
      for (const t of [token, otherToken]) {
        expect(text).not.toContain(createHmac('sha256', APP_SECRET).update(`${t}|${time}`).digest('hex'));
      }
    }
  });

  it('pino redacts authorization, access_token and appsecret_proof wherever they are logged', () => {
    const capture = new LogCapture();
    const logger = createLogger({ destination: capture });
    logger.info({ authorization: 'Bearer t1', access_token: 't2', appsecret_proof: 'p3', req: { headers: { authorization: 'Bearer t4' } }, query: { access_token: 't5' } }, 'x');
    expect(capture.text).not.toMatch(/t1|t2|p3|t4|t5/);
    expect(capture.text.match(/\[redacted\]/g)).toHaveLength(5);
  });

  it.each(REDACTED_PATHS)('a log call with a secret at %s prints no secret', (path) => {
    const capture = new LogCapture();
    const logger = createLogger({ destination: capture });
    // `*` stands for any key: try a usual one and an unusual one.
    for (const wildcard of ['query', 'someObject']) {
      const secret = `secret-${path}-${wildcard}`;
      const object: Record<string, unknown> = {};
      let node = object;
      const keys = path.split('.').map((key) => (key === '*' ? wildcard : key));
      keys.forEach((key, i) => {
        node[key] = i === keys.length - 1 ? secret : {};
        node = node[key] as Record<string, unknown>;
      });
      logger.info(object, 'x');
      logger.debug(object, 'x');
      logger.error({ err: new Error('boom'), ...object }, 'x');
      expect(capture.text).not.toContain(secret);
    }
    expect(capture.text.match(/\[redacted\]/g)?.length).toBe(4);
  });

  it('the token travels upstream in the Authorization header only, never in a URL', async () => {
    const seen: { url: string; authorization?: string }[] = [];
    const upstream = createServer((req, res) => {
      seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ id: '1' }));
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const client = new GraphClient({
      baseUrl: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
      version: 'v23.0',
      appSecret: APP_SECRET,
      timeoutMs: 2_000,
      connections: 1,
      maxConcurrency: 1,
      maxQueue: 1,
      retries: 0,
    });
    try {
      await client.call({ method: 'GET', path: '/1', route: { kind: 'group.read', template: '/{group-id}', groupId: '1' }, query: { fields: 'id' } }, { token: 'tok-in-header' });
      expect(seen).toEqual([{ url: expect.stringMatching(/^\/v23\.0\/1\?fields=id&appsecret_proof=[0-9a-f]{64}&appsecret_time=\d+$/), authorization: 'Bearer tok-in-header' }]);
      expect(seen[0]!.url).not.toContain('tok-in-header');
    } finally {
      await client.close();
      upstream.close();
    }
  });
});

describe('log levels', () => {
  it('errors the caller caused (bad id, unknown group, syntax) are not logged as faults of the gateway', async () => {
    const before = logs.lines.length;
    await post({ query: '{ a: group(id: "x/y") { id } b: group(id: "Y2FwaV9ncm91cDpnb25l") { id } }' });
    await post({ query: '{ group(id: "1") {' });
    const added = logs.lines.slice(before);
    expect(added.filter((l) => l.msg === 'graphql request')).toHaveLength(2);
    expect(added.filter((l) => (l.level as number) >= 50)).toEqual([]);
  });
});

describe('at info level (production), where requests run without AsyncLocalStorage', () => {
  it('the request id still goes upstream on every Graph call and onto the request line; a second request gets its own', async () => {
    const capture = new LogCapture();
    const info = await startGateway({ logger: createLogger({ level: 'info', destination: capture }) });
    try {
      const [a, b] = info.sandbox.demoGroupIds;
      const send = (requestId: string) =>
        fetch(info.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${info.sandbox.demoToken}`, 'x-request-id': requestId },
          body: JSON.stringify({ query: `query Info { a: group(id: "${a}") { id } b: group(id: "${b}") { subject } }` }),
        });
      info.takeUpstreamRequests();
      // Two requests at once: each trace must stay with its own request.
      const responses = await Promise.all([send('info-1'), send('info-2')]);
      expect(responses.map((r) => r.headers.get('x-request-id'))).toEqual(['info-1', 'info-2']);
      const upstream = info.takeUpstreamRequests();
      expect(upstream.map((r) => r.requestId).sort()).toEqual(['info-1', 'info-2']);
      const lines = capture.lines.filter((l) => l.msg === 'graphql request');
      expect(lines.map((l) => [l.requestId, l.upstreamCalls]).sort()).toEqual([
        ['info-1', 1],
        ['info-2', 1],
      ]);
    } finally {
      await info.close();
    }
  });
});
