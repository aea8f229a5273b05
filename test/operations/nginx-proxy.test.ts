/** The compose proxy (deploy/nginx.conf) run by a real nginx: queries, graphql-ws and SSE subscriptions pass. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscribeSse } from '../events/sse.js';
import { ALL_GROUPS_TOKEN, EVENT_FIELDS, postWebhook, startEventsGateway, subscribeWs, suspendItem, webhookBody, wsClient, type EventsGateway } from '../events/support.js';
import { startNginx, type Nginx } from '../helpers/nginx.js';

const SUBSCRIPTION = `subscription { groupEvents { ${EVENT_FIELDS} } }`;

let gw: EventsGateway;
let nginx: Nginx;
beforeAll(async () => {
  gw = await startEventsGateway();
  nginx = await startNginx(gw.origin);
}, 60_000);
afterAll(async () => {
  await nginx?.stop();
  await gw?.close();
});

describe('deploy/nginx.conf in front of a gateway', () => {
  it('passes a query, naming the replica that answered', async () => {
    const response = await fetch(`${nginx.origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ALL_GROUPS_TOKEN}` },
      body: JSON.stringify({ query: `{ group(id: "${gw.sandbox.demoGroupIds[0]}") { id } }` }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-served-by')).toBe(new URL(gw.origin).host);
    expect(await response.json()).toEqual({ data: { group: { id: gw.sandbox.demoGroupIds[0] } } });
    expect((await fetch(`${nginx.origin}/metrics`)).status).toBe(404);
  });

  it('passes the WebSocket upgrade: a graphql-ws subscription through the proxy receives an event', async () => {
    const client = wsClient(nginx.origin, ALL_GROUPS_TOKEN);
    try {
      const subscription = await subscribeWs(client, SUBSCRIPTION);
      const groupId = gw.sandbox.demoGroupIds[1]!;
      expect(await postWebhook(gw.webhookUrl, webhookBody('group_status_update', suspendItem(groupId)))).toMatchObject({ status: 200 });
      const [result] = await subscription.waitForResults(1, 30_000);
      expect(result?.data?.groupEvents).toMatchObject({ __typename: 'GroupSuspended', groupId });
    } finally {
      await client.dispose();
    }
    expect(nginx.errorLog()).not.toMatch(/\[(error|crit|alert|emerg)\]/);
  });

  it('passes an SSE subscription: its event arrives through the proxy', async () => {
    const sse = await subscribeSse(nginx.origin, SUBSCRIPTION, ALL_GROUPS_TOKEN);
    try {
      expect(sse.response.headers['content-type']).toMatch(/^text\/event-stream/);
      const groupId = gw.sandbox.demoGroupIds[2]!;
      await postWebhook(gw.webhookUrl, webhookBody('group_status_update', suspendItem(groupId)));
      await expect.poll(() => sse.nexts().length, { timeout: 30_000 }).toBe(1);
      expect(sse.nexts()[0]?.data?.groupEvents).toMatchObject({ __typename: 'GroupSuspended', groupId });
    } finally {
      sse.close();
    }
  });

  it('keeps quiet subscriptions open well past nginx’s 60 s default read timeout', () => {
    const seconds = (value: string, unit: string) => Number(value) * ({ s: 1, m: 60, h: 3600 }[unit || 's'] ?? NaN);
    const read = /proxy_read_timeout (\d+)([smh]?);/.exec(nginx.siteConfig);
    expect(read, 'proxy_read_timeout').not.toBeNull();
    expect(seconds(read![1]!, read![2]!)).toBeGreaterThanOrEqual(600);
  });
});
