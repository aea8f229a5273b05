import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { MAX_OPERATION_NAMES } from '../../src/observability/metrics.js';
import { growth, key, scrape } from './prometheus-text.js';

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

async function start(env: Record<string, string> = {}, sandbox = {}) {
  gw = await startGateway({ env, sandbox });
  return gw;
}

function metricsUrl(g: TestGateway): string {
  return g.url.replace(/\/graphql$/, '/metrics');
}

/** The sandbox's request kinds, in the gateway's metric names. */
const SANDBOX_KIND_TO_METRIC: Record<string, string> = { read: 'node', batch: 'batch', ids: 'ids', update: 'write', picture: 'write', delete: 'write' };

/** Counts per `kind` the sandbox logged, as the metric's series keys. */
function upstreamByKind(requests: { kind: string; status: number }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const request of requests) {
    const outcome = request.status >= 200 && request.status < 300 ? '2xx' : 'other';
    const series = key('graph_api_requests_total', { kind: SANDBOX_KIND_TO_METRIC[request.kind] ?? request.kind, outcome });
    counts[series] = (counts[series] ?? 0) + 1;
  }
  return counts;
}

describe('GET /metrics', () => {
  it('graph_api_requests_total grows by exactly the upstream requests the sandbox logged, by kind', async () => {
    const g = await start();
    const ids = Array.from({ length: 3 }, () => g.sandbox.groups.seedGroup({ participants: 1 }).id);
    const before = await scrape(metricsUrl(g));
    g.takeUpstreamRequests();

    const batch = await g.query(`{ ${ids.map((id, i) => `g${i}: group(id: "${id}") { subject }`).join(' ')} }`);
    const single = await g.query(`query One { group(id: "${ids[0]}") { id description } }`);
    const write = await g.query(`mutation Rename { updateGroup(input: { id: "${ids[1]}", subject: "Renamed" }) { success } }`);
    expect([batch.body.errors, single.body.errors, write.body.errors]).toEqual([undefined, undefined, undefined]);

    const upstream = g.takeUpstreamRequests();
    const after = await scrape(metricsUrl(g));
    expect(upstream.map((r) => r.kind)).toEqual(['batch', 'read', 'update']);
    expect(growth(before, after, 'graph_api_requests_total')).toEqual(upstreamByKind(upstream));
    expect(growth(before, after, 'graph_api_request_duration_seconds_count')).toEqual({
      [key('graph_api_request_duration_seconds_count', { kind: 'batch' })]: 1,
      [key('graph_api_request_duration_seconds_count', { kind: 'node' })]: 1,
      [key('graph_api_request_duration_seconds_count', { kind: 'write' })]: 1,
    });
    // Items per batch: one batch of three groups.
    expect(growth(before, after, 'graph_api_batch_items_sum')).toEqual({ [key('graph_api_batch_items_sum', { kind: 'batch' })]: 3 });
    // Operations by name, type and outcome; the anonymous one is `anonymous`.
    expect(growth(before, after, 'graphql_operations_total')).toEqual({
      [key('graphql_operations_total', { operation: 'anonymous', type: 'query', outcome: 'OK' })]: 1,
      [key('graphql_operations_total', { operation: 'One', type: 'query', outcome: 'OK' })]: 1,
      [key('graphql_operations_total', { operation: 'Rename', type: 'mutation', outcome: 'OK' })]: 1,
    });
  });

  it('counts every attempt of a retried read, the retry, and the outcome code of each', async () => {
    const g = await start();
    const id = g.sandbox.groups.seedGroup().id;
    g.sandbox.faults.inject({ kind: 'status', status: 503, times: 1 });
    const before = await scrape(metricsUrl(g));
    g.takeUpstreamRequests();

    const { body } = await g.query(`query Retried { group(id: "${id}") { subject } }`);
    expect(body.errors).toBeUndefined();
    const upstream = g.takeUpstreamRequests();
    expect(upstream.map((r) => r.status)).toEqual([503, 200]);

    const after = await scrape(metricsUrl(g));
    expect(growth(before, after, 'graph_api_requests_total')).toEqual({
      [key('graph_api_requests_total', { kind: 'node', outcome: 'UPSTREAM_ERROR' })]: 1,
      [key('graph_api_requests_total', { kind: 'node', outcome: '2xx' })]: 1,
    });
    expect(growth(before, after, 'graph_api_retries_total')).toEqual({ [key('graph_api_retries_total', { kind: 'node' })]: 1 });
  });

  it('counts a fallback when the upstream refuses batch requests', async () => {
    const g = await start({}, { mechanisms: { batch: false } });
    const ids = [g.sandbox.groups.seedGroup().id, g.sandbox.groups.seedGroup().id];
    const before = await scrape(metricsUrl(g));
    g.takeUpstreamRequests();

    const { body } = await g.query(`{ a: group(id: "${ids[0]}") { id } b: group(id: "${ids[1]}") { id } }`);
    expect(body.errors).toBeUndefined();
    expect(g.takeUpstreamRequests().map((r) => [r.kind, r.status])).toEqual([
      ['batch', 400],
      ['ids', 200],
    ]);
    const after = await scrape(metricsUrl(g));
    expect(growth(before, after, 'graph_api_fallbacks_total')).toEqual({
      [key('graph_api_fallbacks_total', { from: 'batch', reason: 'refused' })]: 1,
    });
    expect(growth(before, after, 'graph_api_requests_total')).toEqual({
      [key('graph_api_requests_total', { kind: 'batch', outcome: 'BAD_USER_INPUT' })]: 1,
      [key('graph_api_requests_total', { kind: 'ids', outcome: '2xx' })]: 1,
    });
  });

  it('counts a fallback to per-id reads when a multi-id read fails on one unknown id', async () => {
    const g = await start({ GRAPH_BATCH_MODE: 'ids' });
    const known = g.sandbox.groups.seedGroup().id;
    const unknown = 'Y2FwaV9ncm91cDpub25l';
    const before = await scrape(metricsUrl(g));
    g.takeUpstreamRequests();

    const { body } = await g.query(`{ a: group(id: "${known}") { id } b: group(id: "${unknown}") { id } }`);
    expect(body.data).toEqual({ a: { id: known }, b: null });
    const upstream = g.takeUpstreamRequests();
    expect(upstream.map((r) => r.kind)).toEqual(['ids', 'read', 'read']);
    const after = await scrape(metricsUrl(g));
    expect(growth(before, after, 'graph_api_fallbacks_total')).toEqual({
      [key('graph_api_fallbacks_total', { from: 'ids', reason: 'unknown_id' })]: 1,
    });
    expect(growth(before, after, 'graph_api_requests_total')).toEqual({
      [key('graph_api_requests_total', { kind: 'ids', outcome: 'NOT_FOUND' })]: 1,
      [key('graph_api_requests_total', { kind: 'node', outcome: '2xx' })]: 1,
      [key('graph_api_requests_total', { kind: 'node', outcome: 'NOT_FOUND' })]: 1,
    });
    expect(growth(before, after, 'graph_api_batch_items_sum')).toEqual({ [key('graph_api_batch_items_sum', { kind: 'ids' })]: 2 });
  });

  it('shows upstream calls in flight while one is waiting for the Graph API', async () => {
    const g = await start();
    const id = g.sandbox.groups.seedGroup().id;
    g.sandbox.faults.inject({ kind: 'latency', ms: 1_500, times: 1 });
    const answer = g.query(`{ group(id: "${id}") { id } }`);
    await expect.poll(() => g.sandbox.requests.length, { timeout: 10_000 }).toBeGreaterThan(0);
    const during = await scrape(metricsUrl(g));
    expect(during.get('graph_api_requests_in_flight')).toBe(1);
    expect(during.get('graph_api_requests_queued')).toBe(0);
    await answer;
    expect((await scrape(metricsUrl(g))).get('graph_api_requests_in_flight')).toBe(0);
  });

  it('labels errors with their code and keeps operation names bounded', async () => {
    const g = await start();
    const id = g.sandbox.groups.seedGroup().id;
    const before = await scrape(metricsUrl(g));
    await g.query(`query Missing { group(id: "Y2FwaV9ncm91cDpub25l") { id } }`);
    await g.query(`query NoAuth { group(id: "Y2FwaV9ncm91cDpub25l") { id } }`, undefined, { authorization: undefined });
    for (let i = 0; i < MAX_OPERATION_NAMES + 5; i++) await g.query(`query Name${i} { group(id: "${id}") { id } }`);
    const after = await scrape(metricsUrl(g));

    const grown = growth(before, after, 'graphql_operations_total');
    // The token worked upstream (the group is missing, not the access): the name is a label.
    expect(grown[key('graphql_operations_total', { operation: 'Missing', type: 'query', outcome: 'NOT_FOUND' })]).toBe(1);
    // No token: the name is not trusted with a label.
    expect(grown[key('graphql_operations_total', { operation: 'other', type: 'query', outcome: 'UNAUTHENTICATED' })]).toBe(1);
    const names = new Set(Object.keys(grown).map((series) => /operation="([^"]*)"/.exec(series)?.[1]));
    // Missing took one of the slots; every name after the cap is `other`.
    expect(names.size).toBe(MAX_OPERATION_NAMES + 1);
    expect(grown[key('graphql_operations_total', { operation: 'other', type: 'query', outcome: 'OK' })]).toBe(6);
  });

  it('keeps ListGroups as a label after 101 junk names from callers without a working token', async () => {
    const g = await start();
    const phone = g.sandbox.demoPhoneNumberId!;
    const list = `query ListGroups { groups(phoneNumberId: "${phone}", first: 2) { nodes { id } } }`;
    const before = await scrape(metricsUrl(g));
    g.takeUpstreamRequests();
    // The attack: more junk names than there are slots, with no token, or with a made-up one
    // (each of those costs an upstream call that the Graph API refuses).
    for (let i = 0; i <= MAX_OPERATION_NAMES; i++) {
      const junk = `query Junk${i} { groups(phoneNumberId: "${phone}", first: 1) { nodes { id } } }`;
      const { body } = await g.query(junk, undefined, i % 2 ? { authorization: undefined } : { authorization: 'Bearer made-up-token-0123456789' });
      expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    const { body } = await g.query(list);
    expect(body.errors).toBeUndefined();
    const after = await scrape(metricsUrl(g));

    const grown = growth(before, after, 'graphql_operations_total');
    expect(grown).toEqual({
      [key('graphql_operations_total', { operation: 'other', type: 'query', outcome: 'UNAUTHENTICATED' })]: MAX_OPERATION_NAMES + 1,
      [key('graphql_operations_total', { operation: 'ListGroups', type: 'query', outcome: 'OK' })]: 1,
    });
    // Only the made-up tokens and ListGroups reached the Graph API (the calls without a token never left).
    expect(g.takeUpstreamRequests().map((r) => r.status)).toEqual([...Array.from({ length: (MAX_OPERATION_NAMES + 2) / 2 }, () => 401), 200]);
  });

  it('needs no CSRF header, is plain Prometheus text, and is off with METRICS=false', async () => {
    const g = await start();
    const response = await fetch(metricsUrl(g));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toContain('# TYPE graph_api_requests_total counter');
    expect(text).toContain('# TYPE process_cpu_seconds_total counter');
    await g.close();

    const off = await start({ METRICS: 'false' });
    expect((await fetch(metricsUrl(off))).status).toBe(404);
  });
});
