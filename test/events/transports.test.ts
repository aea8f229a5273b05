import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { startReplica } from './replica.js';
import { subscribeSse } from './sse.js';
import { ALL_GROUPS_TOKEN, EVENT_FIELDS, postWebhook, startEventsGateway, subscribeWs, suspendItem, webhookBody, wsClient, type EventsGateway } from './support.js';

let gw: EventsGateway;
beforeAll(async () => (gw = await startEventsGateway()));
afterAll(async () => gw?.close());

const SUBSCRIPTION = `subscription { groupEvents { ${EVENT_FIELDS} } }`;

describe('transports', () => {
  it('GraphQL over SSE delivers events (what GraphiQL uses)', async () => {
    const sse = await subscribeSse(gw.origin, SUBSCRIPTION, ALL_GROUPS_TOKEN);
    try {
      expect(sse.response.headers['content-type']).toMatch(/^text\/event-stream/);
      await postWebhook(gw.webhookUrl, webhookBody('group_status_update', suspendItem(gw.sandbox.demoGroupIds[1]!)));
      await waitFor(() => sse.nexts().length === 1);
      expect(sse.nexts()[0]?.data?.groupEvents).toMatchObject({ __typename: 'GroupSuspended', groupId: gw.sandbox.demoGroupIds[1] });
    } finally {
      sse.close();
    }
  });

  it('an SSE subscription by GET still needs a CSRF header', async () => {
    const url = `${gw.origin}/graphql?query=${encodeURIComponent(SUBSCRIPTION)}`;
    const headers = { accept: 'text/event-stream', authorization: `Bearer ${ALL_GROUPS_TOKEN}` };
    const refused = await fetch(url, { headers });
    expect(refused.status).toBe(403);
    await refused.body?.cancel();
    const controller = new AbortController();
    const allowed = await fetch(url, { headers: { ...headers, 'x-graphql-yoga-csrf': '1' }, signal: controller.signal });
    expect(allowed.status).toBe(200);
    controller.abort();
  });

  it('over WebSocket the token comes from connectionParams.authorization; without one the socket is closed 4401 before any operation', async () => {
    const anonymous = wsClient(gw.origin, undefined);
    const refused = await subscribeWs(anonymous, SUBSCRIPTION);
    const ended = await refused.ended;
    expect(ended).toMatchObject({ error: { code: 4401 } });
    expect(refused.results).toEqual([]);
    await anonymous.dispose();
  });

  it('a malformed `after` is BAD_USER_INPUT', async () => {
    const client = wsClient(gw.origin, ALL_GROUPS_TOKEN);
    const refused = await subscribeWs(client, `subscription { groupEvents(after: "yesterday") { eventId } }`);
    expect(await refused.ended).toBe('complete');
    expect(refused.results[0]?.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    await client.dispose();
  });
});

describe('SIGTERM', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ seedDemo: true });
    sandbox.tokens.addToken(ALL_GROUPS_TOKEN, { groups: '*' });
  });
  afterAll(async () => sandbox?.close());

  it('completes open subscriptions on both transports, then the process exits 0', async () => {
    const replica = await startReplica({ GRAPH_API_URL: sandbox.url });
    const client = wsClient(replica.origin, ALL_GROUPS_TOKEN);
    const overWs = await subscribeWs(client, SUBSCRIPTION);
    const overSse = await subscribeSse(replica.origin, SUBSCRIPTION, ALL_GROUPS_TOKEN);
    await postWebhook(replica.webhookUrl, webhookBody('group_status_update', suspendItem(sandbox.demoGroupIds[0]!)));
    await overWs.waitForResults(1);

    replica.process.child.kill('SIGTERM');
    expect(await overWs.ended).toBe('complete');
    await overSse.ended;
    expect(overSse.completed()).toBe(true);
    expect(await replica.process.exited).toBe(0);
    // 'exit' can come before the last lines are read from the pipe: wait for the streams to close.
    if (replica.process.child.stdout && !replica.process.child.stdout.closed) await new Promise((resolve) => replica.process.child.once('close', resolve));
    expect(replica.process.output()).toContain('"graceful":true');
    await client.dispose();
  }, 60_000);
});

async function waitFor(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
