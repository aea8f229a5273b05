/**
 * No replays (issue 18.5): the same signed bytes posted again are never published twice, however
 * late — their dedupe key lives WEBHOOK_MAX_AGE_S (8 days by default, Meta retries for 7), and an
 * item older than that is acknowledged and dropped. Gateway processes, one on a real Redis.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { growth, key, scrape } from '../operations/prometheus-text.js';
import { startRedis, type RedisServer } from '../../support/redis-server.js';
import { startReplica, waitUntilReady, type Replica } from '../events/replica.js';
import { EVENT_FIELDS, nowStamp, postWebhook, subscribeWs, suspendItem, webhookBody, wsClient, type Subscription } from '../events/support.js';

const TOKEN = 'replay-test-token-sees-all';
const SUBSCRIPTION = `subscription { groupEvents { ${EVENT_FIELDS} } }`;
const DAY = 24 * 3600;

let redis: RedisServer;
let raw: Redis;
let sandbox: Sandbox;
let withRedis: Replica;
let shortWindow: Replica;
let group: string;
const clients: { dispose(): unknown }[] = [];

beforeAll(async () => {
  redis = await startRedis();
  raw = new Redis(redis.url);
  sandbox = await startSandbox({ seedDemo: true });
  sandbox.tokens.addToken(TOKEN, { groups: '*' });
  group = sandbox.demoGroupIds[0]!;
  [withRedis, shortWindow] = await Promise.all([
    startReplica({ GRAPH_API_URL: sandbox.url, REDIS_URL: redis.url }),
    startReplica({ GRAPH_API_URL: sandbox.url, WEBHOOK_MAX_AGE_S: '3' }),
  ]);
  await waitUntilReady(withRedis.origin);
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await Promise.all([withRedis?.stop(), shortWindow?.stop()]);
  raw?.disconnect();
  await sandbox?.close();
  await redis?.stop();
});

async function subscribe(replica: Replica): Promise<Subscription> {
  const client = wsClient(replica.origin, TOKEN);
  clients.push(client);
  return subscribeWs(client, SUBSCRIPTION);
}

/** Posts a fresh change and waits for it: every post before it has been decided by then. */
async function marker(replica: Replica, subscriber: Subscription, count: number, stampedNow = false): Promise<void> {
  const item = { ...suspendItem(group, 'group_suspend_cleared'), ...(stampedNow ? { timestamp: nowStamp() } : {}) };
  expect((await postWebhook(replica.webhookUrl, webhookBody('group_status_update', item))).status).toBe(200);
  const results = await subscriber.waitForResults(count);
  expect(results.at(-1)?.data?.groupEvents.__typename).toBe('GroupSuspensionCleared');
}

const tooOld = key('events_too_old_total', { field: 'group_status_update' });

describe('replays of signed webhooks', () => {
  it('with Redis: the dedupe key lives WEBHOOK_MAX_AGE_S, so the same bytes 607 s later are not published again', async () => {
    const subscriber = await subscribe(withRedis);
    const body = webhookBody('group_status_update', { timestamp: nowStamp(), group_id: group, type: 'group_suspend' });
    expect((await postWebhook(withRedis.webhookUrl, body)).status).toBe(200);
    await subscriber.waitForResults(1);

    const [seenKey, ...others] = await raw.keys('whatsapp:group-events:seen:*');
    expect(others).toEqual([]);
    const ttl = await raw.pttl(seenKey!);
    // The default WEBHOOK_MAX_AGE_S: 8 days (it was 600 s: Meta's retries on day 2 came back as new events).
    expect(ttl).toBeGreaterThan((8 * DAY - 60) * 1000);
    // 607 s pass for Redis: the key's remaining life is shortened by as much (or it is gone).
    const left = ttl - 607_000;
    if (left > 0) await raw.pexpire(seenKey!, left);
    else await raw.del(seenKey!);

    expect((await postWebhook(withRedis.webhookUrl, body)).status).toBe(200);
    await marker(withRedis, subscriber, 2);
    expect(subscriber.results.map((r) => r.data?.groupEvents.__typename)).toEqual(['GroupSuspended', 'GroupSuspensionCleared']);
    subscriber.dispose();
  });

  it('an item stamped more than WEBHOOK_MAX_AGE_S ago is acknowledged (200) and dropped, and counted', async () => {
    const subscriber = await subscribe(withRedis);
    const before = await scrape(`${withRedis.origin}/metrics`);
    const old = webhookBody('group_status_update', { timestamp: nowStamp(-(8 * DAY + 3600)), group_id: group, type: 'group_suspend' });
    expect((await postWebhook(withRedis.webhookUrl, old)).status).toBe(200);
    await marker(withRedis, subscriber, 1);
    expect(subscriber.results).toHaveLength(1);
    expect(growth(before, await scrape(`${withRedis.origin}/metrics`), 'events_too_old_total')).toEqual({ [tooOld]: 1 });
    subscriber.dispose();
  });

  it('in one process with WEBHOOK_MAX_AGE_S=3: a repeat inside the window is a duplicate, after it the item is too old; never published twice', async () => {
    const subscriber = await subscribe(shortWindow);
    const stamp = Math.floor(Date.now() / 1000);
    const body = webhookBody('group_status_update', { timestamp: String(stamp), group_id: group, type: 'group_suspend' });
    expect((await postWebhook(shortWindow.webhookUrl, body)).status).toBe(200);
    await subscriber.waitForResults(1);
    expect((await postWebhook(shortWindow.webhookUrl, body)).status).toBe(200);

    // Past the window, by the item's own clock: its dedupe key is gone, and it is too old.
    while (Date.now() < (stamp + 4) * 1000) await new Promise((resolve) => setTimeout(resolve, 200));
    const before = await scrape(`${shortWindow.origin}/metrics`);
    expect((await postWebhook(shortWindow.webhookUrl, body)).status).toBe(200);
    expect(growth(before, await scrape(`${shortWindow.origin}/metrics`), 'events_too_old_total')).toEqual({ [tooOld]: 1 });
    await marker(shortWindow, subscriber, 2, true);
    expect(subscriber.results.map((r) => r.data?.groupEvents.__typename)).toEqual(['GroupSuspended', 'GroupSuspensionCleared']);
    subscriber.dispose();
  }, 30_000);
});
