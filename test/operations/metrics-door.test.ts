/** Who may read /metrics: METRICS_PORT moves it off the public port, METRICS_TOKEN asks for a bearer token. */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/index.js';
import { acceptsConnections } from '../helpers/accepts-connections.js';
import { startGatewayProcess, type GatewayProcess } from '../helpers/start-process.js';

const TOKEN = 'metrics-door-graph-token';
const METRICS_TOKEN = 'metrics-door-scrape-token-0123456789';
/** A gateway process starting through tsx takes 15-20 s on a loaded 2-core machine. */
const STARTUP_MS = 90_000;
const TEST_MS = 180_000;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startGateway(env: Record<string, string>): Promise<{ gateway: GatewayProcess; origin: string; line: string }> {
  const sandbox = await startSandbox();
  cleanups.push(() => sandbox.close());
  sandbox.tokens.addToken(TOKEN, { groups: '*' });
  const gateway = startGatewayProcess({ GRAPH_API_URL: sandbox.url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env });
  cleanups.push(() => gateway.stop());
  const [line, port] = await gateway.waitFor(/^.*"port":(\d+)[^\n]*"gateway listening".*$/m, STARTUP_MS);
  return { gateway, origin: `http://127.0.0.1:${port}`, line };
}

async function graphql(origin: string, query: string): Promise<unknown> {
  const response = await fetch(`${origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({ query }),
  });
  return response.json();
}

/** A GET that carries a body (fetch refuses to send one). */
function getWithBody(url: string, body: string): Promise<{ status: number; requestId: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers: { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, requestId: res.headers['x-request-id'] as string | undefined }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('/metrics access', () => {
  it('METRICS_PORT: served on its own loopback port only; the public port answers 404', async () => {
    const { gateway, origin, line } = await startGateway({ METRICS_PORT: '0' });
    const { metricsHost, metricsPort } = JSON.parse(line) as { metricsHost: string; metricsPort: number };
    expect(metricsHost).toBe('127.0.0.1');
    const metricsOrigin = `http://127.0.0.1:${metricsPort}`;
    expect(await graphql(origin, '{ __typename }')).toEqual({ data: { __typename: 'Query' } });

    const publicAnswer = await fetch(`${origin}/metrics`);
    expect(publicAnswer.status).toBe(404);
    expect(await publicAnswer.text()).not.toContain('graphql_operations_total');

    const scraped = await fetch(`${metricsOrigin}/metrics`);
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('content-type')).toContain('text/plain');
    // The same registry as the public port's operations: the query above is counted.
    expect(await scraped.text()).toMatch(/^graphql_operations_total\{operation="anonymous",type="query",outcome="OK"\} 1$/m);

    // Nothing else is served there: no GraphQL, no health, no webhooks.
    for (const path of ['/graphql', '/health', '/webhooks/whatsapp']) expect((await fetch(`${metricsOrigin}${path}`)).status, path).toBe(404);
    const post = await fetch(`${metricsOrigin}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    expect(post.status).toBe(404);
    // Loopback only (METRICS_HOST's default): another loopback address of this machine finds no one.
    expect(await acceptsConnections('127.0.0.2', metricsPort)).toBe(false);

    // The rules of every route: GET (or HEAD) only, a body is refused (413), and each refusal is
    // logged with its request id.
    const posted = await fetch(`${metricsOrigin}/metrics`, { method: 'POST' });
    expect([posted.status, posted.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
    const withBody = await getWithBody(`${metricsOrigin}/metrics`, 'x'.repeat(64));
    expect(withBody.status).toBe(413);
    const [refused] = await gateway.waitFor(new RegExp(`^.*"requestId":"${withBody.requestId}".*$`, 'm'));
    expect(JSON.parse(refused)).toMatchObject({ level: 40, requestId: withBody.requestId, path: '/metrics', status: 413, msg: 'metrics request refused' });
  }, TEST_MS);

  it('METRICS_TOKEN: /metrics answers only its bearer token (401 otherwise), which no log line shows', async () => {
    const { gateway, origin } = await startGateway({ METRICS_TOKEN });
    const metricsUrl = `${origin}/metrics`;

    const anonymous = await fetch(metricsUrl);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    expect(await anonymous.text()).not.toContain('graphql_operations_total');
    // A Graph token is not the metrics token, nor is a near miss.
    for (const wrong of [`Bearer ${TOKEN}`, `Bearer ${METRICS_TOKEN}x`, `Bearer ${METRICS_TOKEN.slice(0, -1)}`, METRICS_TOKEN]) {
      expect((await fetch(metricsUrl, { headers: { authorization: wrong } })).status, wrong).toBe(401);
    }

    const scraped = await fetch(metricsUrl, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('# TYPE graph_api_requests_total counter');

    // Every refusal has its line (five 401s), and the token is in none.
    await expect.poll(() => gateway.output().match(/"status":401[^\n]*"msg":"metrics request refused"/g)?.length ?? 0, { timeout: 10_000 }).toBe(5);
    expect(gateway.output()).not.toContain(METRICS_TOKEN.slice(0, 20));
  }, TEST_MS);

  it('METRICS_PORT with METRICS_TOKEN: the metrics port asks for the token too', async () => {
    const { line } = await startGateway({ METRICS_PORT: '0', METRICS_TOKEN });
    const { metricsPort } = JSON.parse(line) as { metricsPort: number };
    const url = `http://127.0.0.1:${metricsPort}/metrics`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(200);
  }, TEST_MS);

  it('in production, warns at start-up when /metrics is public and unprotected', async () => {
    const { gateway } = await startGateway({ NODE_ENV: 'production' });
    await gateway.waitFor(/"msg":"GET \/metrics is served on the public port to anyone: set METRICS_PORT/);
  }, TEST_MS);
});
