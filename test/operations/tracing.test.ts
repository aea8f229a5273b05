import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { startGatewayProcess, type GatewayProcess } from '../helpers/start-process.js';
import { SPAN_KIND, startOtlpReceiver, type ReceivedSpan } from './otlp-receiver.js';

const TOKEN = 'tracing-test-token-0123456789';
const APP_SECRET = 'tracing-test-app-secret';

/** A gateway process starting through tsx takes 15-20 s on a loaded 2-core machine. */
const STARTUP_MS = 90_000;
const TEST_MS = 180_000;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(env: Record<string, string>) {
  const sandbox: Sandbox = await startSandbox({ appSecret: APP_SECRET });
  cleanups.push(() => sandbox.close());
  sandbox.tokens.addToken(TOKEN, { groups: '*' });
  const receiver = await startOtlpReceiver();
  cleanups.push(() => receiver.close());
  const gateway: GatewayProcess = startGatewayProcess({
    GRAPH_API_URL: sandbox.url,
    WHATSAPP_APP_SECRET: APP_SECRET,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_BSP_SCHEDULE_DELAY: '50',
    ...env,
  });
  cleanups.push(() => gateway.stop());
  const [, port] = await gateway.waitFor(/"port":(\d+)[^\n]*"gateway listening"/, STARTUP_MS);
  return { sandbox, receiver, gateway, url: `http://127.0.0.1:${port}/graphql` };
}

function traceparent() {
  const traceId = randomBytes(16).toString('hex');
  const parentSpanId = randomBytes(8).toString('hex');
  return { traceId, parentSpanId, header: `00-${traceId}-${parentSpanId}-01` };
}

function only(spans: ReceivedSpan[], predicate: (span: ReceivedSpan) => boolean): ReceivedSpan {
  const found = spans.filter(predicate);
  expect(found, JSON.stringify(spans.map((s) => s.name))).toHaveLength(1);
  return found[0]!;
}

describe('tracing (OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  it('exports server, operation and upstream spans in one trace that continues the caller and reaches the Graph API', async () => {
    const { sandbox, receiver, gateway, url } = await setUp({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_SERVICE_NAME: 'groups-gateway-under-test' });
    const [a, b] = [sandbox.groups.seedGroup({ subject: 'Secret subject A' }), sandbox.groups.seedGroup({ subject: 'Secret subject B' })];
    const incoming = traceparent();

    const response = await fetch(url, {
      method: 'POST',
      // W3C baggage is the caller's own data (user ids, tenant names): it must not reach the Graph API.
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, traceparent: incoming.header, baggage: 'user.id=alice,tenant=acme' },
      body: JSON.stringify({
        query: 'query Traced($a: ID!, $b: ID!) { a: group(id: $a) { subject } b: group(id: $b) { subject } }',
        variables: { a: a.id, b: b.id },
      }),
    });
    expect(await response.json()).toEqual({ data: { a: { subject: 'Secret subject A' }, b: { subject: 'Secret subject B' } } });
    // A GET carries the query and its variables in the URL: none of it may reach a span.
    const get = new URL(url);
    get.searchParams.set('query', 'query One($id: ID!) { group(id: $id) { subject } }');
    get.searchParams.set('variables', JSON.stringify({ id: a.id }));
    const answered = await fetch(get, { headers: { authorization: `Bearer ${TOKEN}`, 'x-graphql-yoga-csrf': '1' } });
    expect(answered.status).toBe(200);

    await expect.poll(() => receiver.spans().filter((s) => s.kind === SPAN_KIND.CLIENT).length, { timeout: 60_000 }).toBe(2);
    const spans = receiver.spans();

    // The POST: server span continuing the caller's trace → operation span → one batch request.
    const server = only(spans, (s) => s.kind === SPAN_KIND.SERVER && s.traceId === incoming.traceId);
    expect(server.parentSpanId).toBe(incoming.parentSpanId);
    expect(server.serviceName).toBe('groups-gateway-under-test');
    const operation = only(spans, (s) => s.name === 'query Traced');
    expect(operation).toMatchObject({ traceId: incoming.traceId, parentSpanId: server.spanId });
    expect(operation.attributes).toEqual({ 'graphql.operation.type': 'query', 'graphql.operation.name': 'Traced', 'graphql.outcome': 'OK' });
    const batch = only(spans, (s) => s.name === 'POST /{v}/');
    expect(batch).toMatchObject({ kind: SPAN_KIND.CLIENT, traceId: incoming.traceId, parentSpanId: operation.spanId });
    expect(batch.attributes).toMatchObject({
      'url.template': '/{v}/',
      'graph.request.kind': 'batch',
      'graph.batch.size': 2,
      'http.response.status_code': 200,
    });
    expect(batch.attributes['url.full']).toBe(`${sandbox.url}/{v}/`);

    // The GET: its own trace, one node read.
    const one = only(spans, (s) => s.name === 'query One');
    const read = only(spans, (s) => s.name === 'GET /{v}/{group-id}');
    expect(read).toMatchObject({ traceId: one.traceId, parentSpanId: one.spanId });
    const getServer = only(spans, (s) => s.spanId === one.parentSpanId);
    expect(getServer.kind).toBe(SPAN_KIND.SERVER);
    expect(getServer.attributes['http.target']).toBe('/graphql');

    // The Graph API received the upstream spans as parents, and no baggage.
    expect(sandbox.requests.map((r) => [r.kind, r.traceparent, r.baggage])).toEqual([
      ['batch', `00-${incoming.traceId}-${batch.spanId}-01`, undefined],
      ['read', `00-${one.traceId}-${read.spanId}-01`, undefined],
    ]);

    // No token, app secret, proof, group id, field list or variable value in anything exported.
    const exported = receiver.exports.map((e) => e.body.toString('utf8')).join('\n');
    for (const secret of [TOKEN, APP_SECRET, 'appsecret', a.id, b.id, 'fields=', 'Secret subject', 'Bearer', 'variables']) {
      expect(exported, secret).not.toContain(secret);
    }

    // The request's log line carries the trace id (logs leave in buffered writes: wait for it).
    const [line] = await gateway.waitFor(/^.*"operationName":"Traced".*"msg":"graphql request".*$/m);
    expect(JSON.parse(line)).toMatchObject({ operationName: 'Traced', traceId: incoming.traceId });
  }, TEST_MS);

  it('exports http/protobuf, with the group ids on upstream spans only when TRACE_GROUP_IDS=true', async () => {
    const { sandbox, receiver, url } = await setUp({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', TRACE_GROUP_IDS: 'true' });
    const group = sandbox.groups.seedGroup();
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ query: `query Proto { group(id: "${group.id}") { id } }` }),
    });
    expect(response.status).toBe(200);
    await expect.poll(() => receiver.exports.map((e) => e.body.toString('latin1')).join('').includes('GET /{v}/{group-id}'), { timeout: 60_000 }).toBe(true);
    const exported = receiver.exports;
    expect(exported.every((e) => e.path === '/v1/traces' && e.contentType === 'application/x-protobuf')).toBe(true);
    const bytes = exported.map((e) => e.body.toString('latin1')).join('');
    // Protobuf keeps strings as UTF-8 bytes: the attribute and its value are there.
    expect(bytes).toContain('whatsapp.group.ids');
    expect(bytes).toContain(group.id);
    expect(bytes).toContain('query Proto');
    expect(sandbox.requests[0]?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  }, TEST_MS);

  it('costs nothing when unset: no SDK package is loaded, no traceparent goes upstream', async () => {
    const sandbox = await startSandbox();
    cleanups.push(() => sandbox.close());
    sandbox.tokens.addToken(TOKEN, { groups: '*' });
    const group = sandbox.groups.seedGroup();
    const report = fileURLToPath(new URL('./report-otel-modules.cjs', import.meta.url));
    const gateway = startGatewayProcess({ GRAPH_API_URL: sandbox.url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', NODE_OPTIONS: `--require ${report}` });
    cleanups.push(() => gateway.stop());
    const [, port] = await gateway.waitFor(/"port":(\d+)[^\n]*"gateway listening"/, STARTUP_MS);
    const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, traceparent: traceparent().header },
      body: JSON.stringify({ query: `{ group(id: "${group.id}") { id } }` }),
    });
    expect(response.status).toBe(200);
    expect(await gateway.stop()).toBe(0);
    // The API package alone (the tracing plugin's import; it is a no-op without an SDK).
    expect(gateway.output()).toContain('otel packages loaded: ["@opentelemetry/api"]');
    expect(sandbox.requests.map((r) => r.traceparent)).toEqual([undefined]);
  }, TEST_MS);

  it('refuses OTLP over gRPC at start-up, naming the variable', async () => {
    const gateway = startGatewayProcess({ GRAPH_API_URL: 'http://127.0.0.1:9', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
    cleanups.push(() => gateway.stop());
    expect(await gateway.exited).toBe(1);
    expect(gateway.output()).toContain('OTEL_EXPORTER_OTLP_PROTOCOL: must be http/protobuf or http/json');
  }, TEST_MS);
});
