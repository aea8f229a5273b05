/**
 * Two gateway processes on one real Redis: fan-out, exactly-once, resume on another replica,
 * tenant isolation across replicas, and a Redis outage.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareEventIds } from '../../src/events/group-event.js';
import { startSandbox, WebhookDelivery, type Sandbox } from '../../src/sandbox/index.js';
import { freePort } from '../../support/processes.js';
import { startRedis, type RedisServer } from '../../support/redis-server.js';
import { startReplica, waitUntilReady, type Replica } from './replica.js';
import { APP_SECRET, EVENT_FIELDS, postWebhook, subscribeWs, suspendItem, webhookBody, wsClient } from './support.js';

const TENANT_ONE = 'tenant-one-token';
const TENANT_TWO = 'tenant-two-token';
const SUBSCRIPTION = `subscription($after: ID, $groupId: ID) { groupEvents(after: $after, groupId: $groupId) { ${EVENT_FIELDS} } }`;

let redis: RedisServer;
let sandbox: Sandbox;
let delivery: WebhookDelivery;
let a: Replica;
let b: Replica;
let oneGroups: string[];
let twoGroup: string;
const clients: { dispose(): unknown }[] = [];

beforeAll(async () => {
  redis = await startRedis();
  delivery = new WebhookDelivery({ appSecret: APP_SECRET, delayMs: 20 });
  sandbox = await startSandbox({ seedDemo: true, webhooks: delivery, deleteResponse: 'request_id' });
  oneGroups = [sandbox.groups.seedGroup({ subject: 'one-a' }).id, sandbox.groups.seedGroup({ subject: 'one-b' }).id];
  twoGroup = sandbox.groups.seedGroup({ subject: 'two' }).id;
  sandbox.tokens.addToken(TENANT_ONE, { groups: oneGroups });
  sandbox.tokens.addToken(TENANT_TWO, { groups: [twoGroup] });
  const env = { GRAPH_API_URL: sandbox.url, REDIS_URL: redis.url };
  [a, b] = await Promise.all([startReplica(env), startReplica(env)]);
  await Promise.all([waitUntilReady(a.origin), waitUntilReady(b.origin)]);
  delivery.target = a.webhookUrl;
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  delivery?.close();
  await Promise.all([a?.stop(), b?.stop()]);
  await sandbox?.close();
  await redis?.stop();
});

function client(origin: string, token: string) {
  const c = wsClient(origin, token);
  clients.push(c);
  return c;
}

const post = (replica: Replica, body: string) => postWebhook(replica.webhookUrl, body);

describe('two replicas on one Redis', () => {
  it('a webhook posted to one replica reaches a subscriber on the other', async () => {
    const onB = await subscribeWs(client(b.origin, TENANT_ONE), SUBSCRIPTION);
    const item = suspendItem(oneGroups[0]!);
    expect((await post(a, webhookBody('group_status_update', item))).status).toBe(200);
    const [event] = await onB.waitForResults(1);
    expect(event?.data?.groupEvents).toMatchObject({ __typename: 'GroupSuspended', groupId: oneGroups[0] });
    onB.dispose();
  });

  it('the same webhook posted to both replicas is delivered once', async () => {
    const onA = await subscribeWs(client(a.origin, TENANT_ONE), SUBSCRIPTION);
    const onB = await subscribeWs(client(b.origin, TENANT_ONE), SUBSCRIPTION);
    const twice = webhookBody('group_status_update', suspendItem(oneGroups[0]!));
    const answers = await Promise.all([post(a, twice), post(b, twice), post(b, twice)]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    // A later, different change: once it arrived, the repeat would have arrived before it.
    expect((await post(b, webhookBody('group_status_update', suspendItem(oneGroups[0]!, 'group_suspend_cleared')))).status).toBe(200);
    for (const subscriber of [onA, onB]) {
      await subscriber.waitForResults(2);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(subscriber.results.map((r) => r.data?.groupEvents.__typename)).toEqual(['GroupSuspended', 'GroupSuspensionCleared']);
    }
    expect(onA.results.map((r) => r.data?.groupEvents.eventId)).toEqual(onB.results.map((r) => r.data?.groupEvents.eventId));
    onA.dispose();
    onB.dispose();
  });

  it('a subscriber that resumes with `after` on the other replica gets exactly what it missed, then live events', async () => {
    const group = oneGroups[1]!;
    const first = await subscribeWs(client(a.origin, TENANT_ONE), SUBSCRIPTION, { groupId: group });
    await post(a, webhookBody('group_status_update', suspendItem(group)));
    const [seen] = await first.waitForResults(1);
    first.dispose();
    const lastSeen = seen?.data?.groupEvents.eventId as string;

    // Missed while away: on both replicas, interleaved with another group's event (filtered out).
    const missed = [suspendItem(group, 'group_suspend_cleared'), suspendItem(group), suspendItem(group, 'group_suspend_cleared')];
    await post(a, webhookBody('group_status_update', missed[0]!));
    await post(b, webhookBody('group_status_update', suspendItem(oneGroups[0]!)));
    await post(b, webhookBody('group_status_update', missed[1]!));
    await post(a, webhookBody('group_status_update', missed[2]!));

    const resumed = await subscribeWs(client(b.origin, TENANT_ONE), SUBSCRIPTION, { groupId: group, after: lastSeen });
    await resumed.waitForResults(3);
    await post(a, webhookBody('group_status_update', suspendItem(group)));
    const all = await resumed.waitForResults(4);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(resumed.results).toHaveLength(4);
    expect(all.map((r) => r.data?.groupEvents.__typename)).toEqual(['GroupSuspensionCleared', 'GroupSuspended', 'GroupSuspensionCleared', 'GroupSuspended']);
    const ids = all.map((r) => r.data?.groupEvents.eventId as string);
    // Increasing, all after the resume point.
    expect([lastSeen, ...ids].every((id, i, list) => i === 0 || compareEventIds(list[i - 1]!, id) < 0)).toBe(true);
    resumed.dispose();
  });

  it('a second tenant subscribed to everything receives none of the first tenant\'s events', async () => {
    const two = await subscribeWs(client(b.origin, TENANT_TWO), SUBSCRIPTION);
    const one = await subscribeWs(client(b.origin, TENANT_ONE), SUBSCRIPTION);
    // Tenant one's events: a status change, and the result of a delete tenant one makes through replica A.
    await post(a, webhookBody('group_status_update', suspendItem(oneGroups[0]!)));
    const deleted = await fetch(`${a.origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TENANT_ONE}` },
      body: JSON.stringify({ query: `mutation($id: ID!) { deleteGroup(input: { id: $id }) { requestId } }`, variables: { id: oneGroups[1] } }),
    }).then((r) => r.json() as Promise<{ data: { deleteGroup: { requestId: string } } }>);
    const requestId = deleted.data.deleteGroup.requestId;
    expect(requestId).toMatch(/^[0-9A-F]{32}$/);
    // Then one event of tenant two's own group.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await post(a, webhookBody('group_status_update', suspendItem(twoGroup)));

    await one.waitForResults(2);
    expect(one.results.map((r) => r.data?.groupEvents.__typename)).toEqual(['GroupSuspended', 'GroupDeleted']);
    expect(one.results[1]?.data?.groupEvents).toMatchObject({ groupId: oneGroups[1], requestId });
    const [own] = await two.waitForResults(1);
    expect(own?.data?.groupEvents).toMatchObject({ __typename: 'GroupSuspended', groupId: twoGroup });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(two.results).toHaveLength(1);
    one.dispose();
    two.dispose();
  });

  it('while Redis is down webhooks are answered 5xx (Meta retries); when it returns, delivery resumes', async () => {
    const onB = await subscribeWs(client(b.origin, TENANT_ONE), SUBSCRIPTION);
    await redis.stop();
    const during = webhookBody('group_status_update', suspendItem(oneGroups[0]!));
    const refused = await post(a, during);
    expect(refused.status).toBeGreaterThanOrEqual(500);
    await redis.start();
    // Meta's retry of the same delivery, until Redis is back on A's connection.
    const deadline = Date.now() + 20_000;
    let status = 0;
    while (Date.now() < deadline && (status = (await post(a, during)).status) !== 200) await new Promise((r) => setTimeout(r, 200));
    expect(status).toBe(200);
    const [event] = await onB.waitForResults(1, 20_000);
    expect(event?.data?.groupEvents).toMatchObject({ __typename: 'GroupSuspended', groupId: oneGroups[0] });
    onB.dispose();
  }, 60_000);
});

describe('/ready with REDIS_URL', () => {
  it('is 503 naming redis while Redis cannot be reached at start-up, without the URL or its password', async () => {
    const closed = await freePort();
    const replica = await startReplica({ GRAPH_API_URL: sandbox.url, REDIS_URL: `redis://default:s3cretPassw0rd@127.0.0.1:${closed}` });
    try {
      const response = await fetch(`${replica.origin}/ready`);
      const text = await response.text();
      expect(response.status).toBe(503);
      expect(JSON.parse(text)).toMatchObject({ ready: false, failed: ['redis'] });
      expect(text).not.toContain('s3cret');
      expect(text).not.toContain(String(closed));
      // Logs leave in buffered writes, at least every 200 ms: whatever was logged is out by now.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(replica.process.output()).not.toContain('s3cret');
      // Webhooks cannot be stored either: 5xx, so Meta keeps them.
      expect((await postWebhook(replica.webhookUrl, webhookBody('group_status_update', suspendItem(twoGroup)))).status).toBe(503);
    } finally {
      await replica.stop();
    }
  }, 60_000);
});
