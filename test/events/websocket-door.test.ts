/**
 * The WebSocket door held to HTTP's rules: authentication at connection_init, bounded subscriptions
 * and sockets, access checks a made-up token cannot turn into upstream traffic, mutations, the
 * operation timeout, the request log line and the metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { metaJson } from '../../src/sandbox/index.js';
import { LogCapture } from '../helpers/log-capture.js';
import { subscribeSse } from './sse.js';
import { ALL_GROUPS_TOKEN, EVENT_FIELDS, nowStamp, postWebhook, startEventsGateway, subscribeWs, suspendItem, webhookBody, wsClient, type EventsGateway } from './support.js';

const SUBSCRIPTION = `subscription { groupEvents { ${EVENT_FIELDS} } }`;
const REPLAY_ALL = 'subscription { groupEvents(after: "0-0") { eventId groupId } }';
const OTHER_TOKEN = 'events-token-also-sees-all';

/** A signed webhook with `count` suspensions of `count` different (made-up) groups. */
function manyGroupsBody(count: number): string {
  const groups = Array.from({ length: count }, (_, i) => ({ timestamp: nowStamp(-i), group_id: `Y2FwaV9ncm91cDo${String(100000 + i)}`, type: 'group_suspend' }));
  return metaJson({
    object: 'whatsapp_business_account',
    entry: [{ id: '102290129340398', changes: [{ field: 'group_status_update', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550100199', phone_number_id: '15550100199' }, groups } }] }],
  });
}

describe('a made-up token replaying 1000 stored events', () => {
  let gw: EventsGateway;
  beforeAll(async () => {
    gw = await startEventsGateway();
    const posted = await postWebhook(gw.webhookUrl, manyGroupsBody(1000));
    expect(posted.status).toBe(200);
  }, 60_000);
  afterAll(async () => gw?.close());

  it.each(['sse', 'ws'] as const)('over %s: ends UNAUTHENTICATED after one upstream call, having delivered nothing', async (door) => {
    gw.sandbox.requests.length = 0;
    const token = `made-up-token-${door}`;
    let results: { data?: any; errors?: any[] }[];
    if (door === 'sse') {
      const sse = await subscribeSse(gw.origin, REPLAY_ALL, token);
      await sse.ended;
      results = sse.nexts();
    } else {
      const client = wsClient(gw.origin, token);
      const subscription = await subscribeWs(client, REPLAY_ALL);
      expect(await subscription.ended).toBe('complete');
      results = subscription.results;
      await client.dispose();
    }
    expect(results).toHaveLength(1);
    expect(results[0]?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(gw.sandbox.requests.map((r) => `${r.method} ${r.kind} ${r.status}`)).toEqual(['GET read 401']);
  }, 60_000);

  it('a valid token that can read none of those groups is paced: at most EVENT_ACCESS_CHECKS_PER_SECOND (20) checks a second', async () => {
    gw.sandbox.tokens.addToken('narrow-token', { groups: [gw.sandbox.demoGroupIds[0]!] });
    gw.sandbox.requests.length = 0;
    const started = Date.now();
    const sse = await subscribeSse(gw.origin, REPLAY_ALL, 'narrow-token');
    try {
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const checks = gw.sandbox.requests.length;
      const seconds = Math.ceil((Date.now() - started) / 1000) + 1;
      // Each check refused (Graph 100/33, HTTP 400), none delivered; without pacing the replay asks hundreds a second.
      expect(checks).toBeGreaterThan(0);
      expect(checks).toBeLessThanOrEqual(20 * seconds);
      expect(new Set(gw.sandbox.requests.map((r) => `${r.method} ${r.kind} ${r.status}`))).toEqual(new Set(['GET read 400']));
      expect(sse.nexts()).toEqual([]);
    } finally {
      sse.close();
    }
  }, 60_000);
});

describe('limits', () => {
  it('defaults: 20 operations per socket, 100 subscriptions per token, 10 000 sockets', () => {
    const config = loadConfig({ NODE_ENV: 'test' });
    expect([config.maxSubscriptionsPerConnection, config.maxSubscriptionsPerToken, config.maxWebSocketConnections]).toEqual([20, 100, 10_000]);
  });

  it('the 21st subscription on one socket is RATE_LIMITED; the socket and its first 20 go on', async () => {
    const gw = await startEventsGateway();
    const client = wsClient(gw.origin, ALL_GROUPS_TOKEN);
    try {
      const subscriptions = [];
      for (let i = 0; i < 21; i++) subscriptions.push(await subscribeWs(client, SUBSCRIPTION));
      const refused = await subscriptions[20]!.ended;
      expect(refused).toMatchObject({ error: [{ extensions: { code: 'RATE_LIMITED' } }] });
      await postWebhook(gw.webhookUrl, webhookBody('group_status_update', suspendItem(gw.sandbox.demoGroupIds[0]!)));
      for (const subscription of subscriptions.slice(0, 20)) await subscription.waitForResults(1);
      expect(subscriptions.slice(0, 20).map((s) => s.results[0]?.data?.groupEvents?.__typename)).toEqual(Array(20).fill('GroupSuspended'));
    } finally {
      await client.dispose();
      await gw.close();
    }
  }, 60_000);

  it('MAX_SUBSCRIPTIONS_PER_TOKEN counts SSE and WebSocket together; another token is not affected; ending one frees its place', async () => {
    const gw = await startEventsGateway({ env: { MAX_SUBSCRIPTIONS_PER_TOKEN: '3' } });
    gw.sandbox.tokens.addToken(OTHER_TOKEN, { groups: '*' });
    const client = wsClient(gw.origin, ALL_GROUPS_TOKEN);
    const other = wsClient(gw.origin, OTHER_TOKEN);
    try {
      const first = await subscribeWs(client, SUBSCRIPTION);
      await subscribeWs(client, SUBSCRIPTION);
      const overSse = await subscribeSse(gw.origin, SUBSCRIPTION, ALL_GROUPS_TOKEN);
      await waitUntil(() => gw.gateway.events.subscriberCount === 3);
      const fourthSse = await subscribeSse(gw.origin, SUBSCRIPTION, ALL_GROUPS_TOKEN);
      await fourthSse.ended;
      expect(fourthSse.nexts()[0]?.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
      const fourthWs = await subscribeWs(client, SUBSCRIPTION);
      expect(await fourthWs.ended).toBe('complete');
      expect(fourthWs.results[0]?.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
      const others = await subscribeWs(other, SUBSCRIPTION);
      first.dispose();
      await waitUntil(() => gw.gateway.events.subscriberCount === 3);
      const again = await subscribeWs(client, SUBSCRIPTION);
      await postWebhook(gw.webhookUrl, webhookBody('group_status_update', suspendItem(gw.sandbox.demoGroupIds[0]!)));
      await others.waitForResults(1);
      await again.waitForResults(1);
      await waitUntil(() => overSse.nexts().length === 1);
      overSse.close();
    } finally {
      await client.dispose();
      await other.dispose();
      await gw.close();
    }
  }, 60_000);

  it('past MAX_WEBSOCKET_CONNECTIONS the upgrade is refused (503 RATE_LIMITED); open sockets and HTTP go on', async () => {
    const gw = await startEventsGateway({ env: { MAX_WEBSOCKET_CONNECTIONS: '2' } });
    const clients = [wsClient(gw.origin, ALL_GROUPS_TOKEN), wsClient(gw.origin, ALL_GROUPS_TOKEN)];
    try {
      const open = await Promise.all(clients.map((client) => subscribeWs(client, SUBSCRIPTION)));
      const refused = await upgrade(gw.origin);
      expect(refused.status).toBe(503);
      expect(JSON.parse(refused.body)).toMatchObject({ errors: [{ extensions: { code: 'RATE_LIMITED' } }] });
      await postWebhook(gw.webhookUrl, webhookBody('group_status_update', suspendItem(gw.sandbox.demoGroupIds[0]!)));
      for (const subscription of open) await subscription.waitForResults(1);
      expect((await gw.query('{ __typename }')).data).toEqual({ __typename: 'Query' });
    } finally {
      for (const client of clients) await client.dispose();
      await gw.close();
    }
  }, 60_000);

  it('a 20 MiB message closes its socket (1009) with nothing upstream; the gateway goes on', async () => {
    const gw = await startEventsGateway();
    try {
      const socket = new WebSocket(`${gw.origin.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
      await new Promise((resolve) => socket.once('open', resolve));
      socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${ALL_GROUPS_TOKEN}` } }));
      await new Promise((resolve) => socket.once('message', resolve));
      const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
      socket.on('error', () => undefined);
      socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: `{ __typename }#${'x'.repeat(20 * 1024 * 1024)}` } }));
      expect(await closed).toBe(1009);
      expect(gw.sandbox.requests).toEqual([]);
      expect((await gw.query('{ __typename }')).data).toEqual({ __typename: 'Query' });
    } finally {
      await gw.close();
    }
  }, 60_000);
});

describe('connection_init', () => {
  it('a malformed authorization closes the socket 4403 before any operation', async () => {
    const gw = await startEventsGateway();
    try {
      const closed = await rawConnectionInit(gw.origin, { authorization: 'Basic dXNlcjpwYXNz' });
      expect(closed).toEqual({ acknowledged: false, code: 4403 });
      expect(await rawConnectionInit(gw.origin, { authorization: 42 })).toEqual({ acknowledged: false, code: 4403 });
      expect(await rawConnectionInit(gw.origin, {})).toEqual({ acknowledged: false, code: 4401 });
      expect(await rawConnectionInit(gw.origin, { authorization: `Bearer ${ALL_GROUPS_TOKEN}` })).toEqual({ acknowledged: true });
      expect(gw.sandbox.requests).toEqual([]);
    } finally {
      await gw.close();
    }
  });

  it('with WHATSAPP_ACCESS_TOKEN set, a socket without connectionParams uses it (as HTTP does)', async () => {
    const gw = await startEventsGateway({ env: { WHATSAPP_ACCESS_TOKEN: ALL_GROUPS_TOKEN } });
    const client = wsClient(gw.origin, undefined);
    try {
      const id = gw.sandbox.demoGroupIds[0]!;
      const result = await subscribeWs(client, `{ group(id: "${id}") { id } }`);
      expect(await result.ended).toBe('complete');
      expect(result.results).toEqual([{ data: { group: { id } } }]);
    } finally {
      await client.dispose();
      await gw.close();
    }
  });
});

describe('operations over the socket run like HTTP', () => {
  let gw: EventsGateway;
  const log = new LogCapture();
  beforeAll(async () => {
    gw = await startEventsGateway({ env: { OPERATION_TIMEOUT_MS: '500' }, logger: createLogger({ level: 'info', destination: log }) });
  }, 60_000);
  afterAll(async () => gw?.close());

  it('a mutation is applied and answered; the socket stays open for the next operation', async () => {
    const client = wsClient(gw.origin, ALL_GROUPS_TOKEN);
    try {
      const id = gw.sandbox.demoGroupIds[1]!;
      gw.sandbox.requests.length = 0;
      const reset = await subscribeWs(client, `mutation { resetGroupInviteLink(input: { id: "${id}" }) { inviteLink } }`);
      expect(await reset.ended).toBe('complete');
      const inviteLink = reset.results[0]?.data?.resetGroupInviteLink?.inviteLink as string;
      expect(inviteLink).toMatch(/^https:\/\//);
      expect(gw.sandbox.requests.map((r) => `${r.method} ${r.kind} ${r.ids.join(',')}`)).toEqual([`POST invite_link ${id}`]);
      const read = await subscribeWs(client, `{ group(id: "${id}") { inviteLink } }`);
      expect(await read.ended).toBe('complete');
      expect(read.results).toEqual([{ data: { group: { inviteLink } } }]);
    } finally {
      await client.dispose();
    }
  });

  it('writes the request log line (request id, operation, upstream calls) and counts the operation in the metrics', async () => {
    const client = wsClient(gw.origin, ALL_GROUPS_TOKEN);
    try {
      const id = gw.sandbox.demoGroupIds[0]!;
      const result = await subscribeWs(client, `query OverTheSocket { group(id: "${id}") { subject } }`);
      expect(await result.ended).toBe('complete');
      await new Promise((resolve) => setTimeout(resolve, 300));
      const line = log.lines.find((l) => l.msg === 'graphql request' && l.operationName === 'OverTheSocket');
      expect(line).toMatchObject({ operationType: 'query', status: 200, upstreamCalls: 1 });
      expect(line?.requestId).toMatch(/^[0-9a-f-]{36}$/);
      const metrics = await (await fetch(`${gw.origin}/metrics`)).text();
      expect(metrics).toMatch(/graphql_operations_total\{operation="OverTheSocket",type="query",outcome="OK"\} 1/);
    } finally {
      await client.dispose();
    }
  });

  it('OPERATION_TIMEOUT_MS bounds a query over the socket', async () => {
    const client = wsClient(gw.origin, ALL_GROUPS_TOKEN);
    const slow = await startEventsGateway({ env: { OPERATION_TIMEOUT_MS: '300' }, sandbox: { latencyMs: 3000 } });
    const slowClient = wsClient(slow.origin, ALL_GROUPS_TOKEN);
    try {
      const result = await subscribeWs(slowClient, `{ group(id: "${slow.sandbox.demoGroupIds[0]!}") { subject } }`);
      expect(await result.ended).toBe('complete');
      expect(result.results[0]?.errors?.[0]?.extensions?.code).toBe('OPERATION_TIMEOUT');
    } finally {
      await client.dispose();
      await slowClient.dispose();
      await slow.close();
    }
  }, 30_000);
});

async function waitUntil(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A WebSocket upgrade: its HTTP status and body when refused. */
function upgrade(origin: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${origin.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    socket.once('open', () => {
      socket.close();
      resolve({ status: 101, body: '' });
    });
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    socket.once('error', (error) => (error.message.includes('Unexpected server response') ? undefined : reject(error)));
  });
}

/** Sends connection_init with this payload: acknowledged, or the close code. */
function rawConnectionInit(origin: string, payload: Record<string, unknown>): Promise<{ acknowledged: boolean; code?: number }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`${origin.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload })));
    socket.once('message', (data: Buffer) => {
      if ((JSON.parse(data.toString()) as { type: string }).type === 'connection_ack') {
        socket.close();
        resolve({ acknowledged: true });
      }
    });
    socket.once('close', (code) => resolve({ acknowledged: false, code }));
  });
}

