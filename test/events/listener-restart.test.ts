/**
 * The live listener's Redis connection dropped from Redis's side (issue 18 item 6): two gateway
 * processes on one real Redis, a subscriber on replica B, webhooks posted to replica A. Redis kills
 * every pub/sub connection (`CLIENT KILL TYPE pubsub`); the listener comes back by itself, what was
 * published while it was away still reaches the subscriber, and while it cannot come back `/ready`
 * on B names `events` (503) although every other Redis command still works.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { startRedis, type RedisServer } from '../../support/redis-server.js';
import { startReplica, waitUntilReady, type Replica } from './replica.js';
import { EVENT_FIELDS, postWebhook, subscribeWs, suspendItem, webhookBody, wsClient, type Subscription } from './support.js';

const TOKEN = 'listener-restart-token';
const SUBSCRIPTION = `subscription { groupEvents { ${EVENT_FIELDS} } }`;

let redis: RedisServer;
let raw: Redis;
let sandbox: Sandbox;
let a: Replica;
let b: Replica;
let groupId: string;
const clients: { dispose(): unknown }[] = [];

beforeAll(async () => {
  redis = await startRedis();
  raw = new Redis(redis.url);
  sandbox = await startSandbox();
  groupId = sandbox.groups.seedGroup({ subject: 'listened' }).id;
  sandbox.tokens.addToken(TOKEN, { groups: [groupId] });
  const env = { GRAPH_API_URL: sandbox.url, REDIS_URL: redis.url };
  [a, b] = await Promise.all([startReplica(env), startReplica(env)]);
  await Promise.all([waitUntilReady(a.origin), waitUntilReady(b.origin)]);
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await Promise.all([a?.stop(), b?.stop()]);
  raw?.disconnect();
  await sandbox?.close();
  await redis?.stop();
});

async function subscribeOnB(): Promise<Subscription> {
  const client = wsClient(b.origin, TOKEN);
  clients.push(client);
  return subscribeWs(client, SUBSCRIPTION);
}

/** A signed webhook about the group, posted to replica A: stored and published (200). */
async function postToA(type: 'group_suspend' | 'group_suspend_cleared'): Promise<void> {
  const answer = await postWebhook(a.webhookUrl, webhookBody('group_status_update', suspendItem(groupId, type)));
  expect(answer.status).toBe(200);
}

const typesOf = (subscription: Subscription) => subscription.results.map((r) => r.data?.groupEvents?.__typename ?? r.errors);
/** Connections Redis lists, of one type or all (`CLIENT LIST`: one line each). */
const clientCount = async (...type: string[]) => ((await raw.call('CLIENT', 'LIST', ...type)) as string).split('\n').filter(Boolean).length;
const pubsubClients = () => clientCount('TYPE', 'pubsub');
const readyOf = async (replica: Replica) => {
  const response = await fetch(`${replica.origin}/ready`);
  return { status: response.status, body: await response.text() };
};

describe('the live listener after Redis drops its connection', () => {
  it('killed: it comes back by itself and a webhook to replica A posted right after the kill, and later ones, reach a subscriber on replica B', async () => {
    const subscriber = await subscribeOnB();
    await postToA('group_suspend');
    await subscriber.waitForResults(1);
    expect(await pubsubClients()).toBe(2);

    expect(await raw.client('KILL', 'TYPE', 'pubsub')).toBe(2);
    // Published while B's listener may still be reconnecting: read from the stream once it is back.
    await postToA('group_suspend_cleared');
    await subscriber.waitForResults(2, 30_000);
    await expect.poll(pubsubClients, { timeout: 30_000 }).toBe(2);
    await postToA('group_suspend');
    await subscriber.waitForResults(3, 30_000);
    expect(typesOf(subscriber)).toEqual(['GroupSuspended', 'GroupSuspensionCleared', 'GroupSuspended']);
    expect((await readyOf(b)).status).toBe(200);
    expect(b.process.child.exitCode).toBeNull();
    subscriber.dispose();
  }, 90_000);

  it('kept from coming back: /ready on B names events (503) while its listener is away, 200 again once it is back; what was published meanwhile is delivered', async () => {
    const subscriber = await subscribeOnB();
    const [, maxclients] = (await raw.config('GET', 'maxclients')) as [string, string];
    try {
      // Room for the connections open now and not one more: the killed listeners cannot reconnect.
      const open = await clientCount();
      await raw.config('SET', 'maxclients', String(open - 2));
      expect(await raw.client('KILL', 'TYPE', 'pubsub')).toBe(2);
      await expect.poll(async () => (await readyOf(b)).status, { timeout: 30_000 }).toBe(503);
      expect(JSON.parse((await readyOf(b)).body)).toMatchObject({ ready: false, failed: ['events'] });
      // Webhooks are still taken (the commands connection is up): stored, announced to nobody yet.
      await postToA('group_suspend_cleared');
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(subscriber.results).toEqual([]);
      expect((await readyOf(b)).status).toBe(503);
    } finally {
      await raw.config('SET', 'maxclients', maxclients);
    }
    await expect.poll(async () => (await readyOf(b)).status, { timeout: 30_000 }).toBe(200);
    await subscriber.waitForResults(1, 30_000);
    await postToA('group_suspend');
    await subscriber.waitForResults(2, 30_000);
    expect(typesOf(subscriber)).toEqual(['GroupSuspensionCleared', 'GroupSuspended']);
    subscriber.dispose();
  }, 90_000);
});
