/**
 * Redis is a store, not an authority: whoever can write to it (a raw client here) sends the gateway
 * process every hostile message of issue 18 — not JSON, empty, an event from the future, a forged
 * PUBLISH, a forged stream entry, a forged ledger key — and the process stays up, delivers none of
 * them, counts them, and keeps delivering real events to a real subscriber.
 */
import { createHash, createHmac, hkdfSync } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GROUP_EVENTS_TOPIC } from '../../src/events/event-store.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { growth, key, scrape } from '../operations/prometheus-text.js';
import { startRedis, type RedisServer } from '../../support/redis-server.js';
import { startReplica, waitUntilReady, type Replica } from './replica.js';
import { APP_SECRET, EVENT_FIELDS, postWebhook, subscribeWs, suspendItem, webhookBody, wsClient, type Subscription } from './support.js';

const TENANT_ONE = 'hostile-tenant-one-token';
const TENANT_TWO = 'hostile-tenant-two-token';
const STREAM = 'whatsapp:group-events:stream';
const SUBSCRIPTION = `subscription { groupEvents { ${EVENT_FIELDS} } }`;

let redis: RedisServer;
let raw: Redis;
let sandbox: Sandbox;
let gateway: Replica;
let oneGroup: string;
let twoGroup: string;
const clients: { dispose(): unknown }[] = [];

beforeAll(async () => {
  redis = await startRedis();
  raw = new Redis(redis.url);
  sandbox = await startSandbox({ seedDemo: true, deleteResponse: 'request_id' });
  oneGroup = sandbox.groups.seedGroup({ subject: 'one' }).id;
  twoGroup = sandbox.groups.seedGroup({ subject: 'two' }).id;
  sandbox.tokens.addToken(TENANT_ONE, { groups: [oneGroup] });
  sandbox.tokens.addToken(TENANT_TWO, { groups: [twoGroup] });
  gateway = await startReplica({ GRAPH_API_URL: sandbox.url, REDIS_URL: redis.url });
  await waitUntilReady(gateway.origin);
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await gateway?.stop();
  raw?.disconnect();
  await sandbox?.close();
  await redis?.stop();
});

async function subscribe(token: string): Promise<Subscription> {
  const client = wsClient(gateway.origin, token);
  clients.push(client);
  return subscribeWs(client, SUBSCRIPTION);
}

/** A genuine event: a signed webhook about the group, posted to the gateway; resolves once answered 200. */
async function postReal(groupId: string, type: 'group_suspend' | 'group_suspend_cleared' = 'group_suspend'): Promise<void> {
  const answer = await postWebhook(gateway.webhookUrl, webhookBody('group_status_update', suspendItem(groupId, type)));
  expect(answer.status).toBe(200);
}

/** An event as the gateway stores it, about `groupId`. */
function eventJson(groupId: string, kind = 'GroupDeleted'): string {
  return JSON.stringify({ kind, groupId, phoneNumberId: '15550100199', errors: [] });
}

const rejected = (source: string) => key('redis_messages_rejected_total', { source });

describe('hostile messages written straight into Redis', () => {
  it('not JSON, empty, a future id, a forged PUBLISH and a forged stream entry: none delivered, each counted, the process stays up and delivery goes on', async () => {
    const subscriber = await subscribe(TENANT_ONE);
    const before = await scrape(`${gateway.origin}/metrics`);

    await raw.publish(GROUP_EVENTS_TOPIC, '{"eventId": "not json');
    await raw.publish(GROUP_EVENTS_TOPIC, '');
    await raw.publish(GROUP_EVENTS_TOPIC, '[]');
    // An event "from the future": if believed, every real event after it would look old and be skipped.
    await raw.publish(GROUP_EVENTS_TOPIC, `{"eventId":"99999999999999-0",${eventJson(oneGroup).slice(1)}`);
    // A forged PUBLISH with a plausible id, about a group the subscriber can read.
    await raw.publish(GROUP_EVENTS_TOPIC, `{"eventId":"${Date.now()}-0",${eventJson(oneGroup).slice(1)}`);
    // A forged stream entry (no MAC, then a MAC that is not ours), announced like a real one.
    const unsigned = await raw.xadd(STREAM, '*', 'event', eventJson(oneGroup));
    const badMac = await raw.xadd(STREAM, '*', 'event', eventJson(oneGroup, 'GroupSuspended'), 'mac', 'AAAA');
    await raw.publish(GROUP_EVENTS_TOPIC, `{"eventId":"${badMac}",${eventJson(oneGroup, 'GroupSuspended').slice(1)}`);
    expect(unsigned).toMatch(/^\d+-\d+$/);

    // Then a real event: the first and only thing the subscriber receives.
    await postReal(oneGroup);
    const [first] = await subscriber.waitForResults(1);
    expect(first?.data?.groupEvents).toMatchObject({ __typename: 'GroupSuspended', groupId: oneGroup });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(subscriber.results).toHaveLength(1);
    expect(gateway.process.child.exitCode).toBeNull();
    expect((await fetch(`${gateway.origin}/ready`)).status).toBe(200);

    const counted = growth(before, await scrape(`${gateway.origin}/metrics`), 'redis_messages_rejected_total');
    // Not JSON, empty, not an event notice, the future id (the forged id too, unless the stream had
    // already moved past it when it was read); the two stream entries.
    expect(counted[rejected('pubsub')]).toBeGreaterThanOrEqual(4);
    expect(counted[rejected('stream')]).toBeGreaterThanOrEqual(2);

    // And delivery goes on after all that.
    await postReal(oneGroup, 'group_suspend_cleared');
    const [, second] = await subscriber.waitForResults(2);
    expect(second?.data?.groupEvents).toMatchObject({ __typename: 'GroupSuspensionCleared', groupId: oneGroup });
    subscriber.dispose();
  });

  it("a forged ledger key does not grant a token another tenant's events; a write's own entry still routes its event", async () => {
    // Tenant two deletes its own group through the gateway: its fingerprint appears in Redis key names.
    const deleted = await fetch(`${gateway.origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TENANT_TWO}` },
      body: JSON.stringify({ query: `mutation($id: ID!) { deleteGroup(input: { id: $id }) { requestId } }`, variables: { id: twoGroup } }),
    }).then((r) => r.json() as Promise<{ data: { deleteGroup: { requestId: string } } }>);
    const requestId = deleted.data.deleteGroup.requestId;
    const ledgerKeys = await raw.keys('whatsapp:writes:*');
    const fingerprint = ledgerKeys[0]!.split(':')[2]!;
    expect(ledgerKeys.sort()).toEqual([`whatsapp:writes:${fingerprint}:group:${twoGroup}`, `whatsapp:writes:${fingerprint}:request:${requestId}`]);

    // Fingerprints (issue 18.8): HMAC-SHA256 of the token under HKDF-SHA256(WHATSAPP_APP_SECRET,
    // salt "whatsapp-groups-gateway", info "token-fingerprint"), base64url, 32 characters; not the bare SHA-256.
    const fingerprintKey = Buffer.from(hkdfSync('sha256', APP_SECRET, 'whatsapp-groups-gateway', 'token-fingerprint', 32));
    expect(fingerprint).toBe(createHmac('sha256', fingerprintKey).update(TENANT_TWO).digest('base64url').slice(0, 32));
    expect(fingerprint).not.toBe(createHash('sha256').update(TENANT_TWO).digest('base64url').slice(0, 32));

    // The attacker grants tenant two tenant one's group: a bare value, and a valid MAC copied from another key.
    const genuineMac = (await raw.get(`whatsapp:writes:${fingerprint}:group:${twoGroup}`))!;
    await raw.set(`whatsapp:writes:${fingerprint}:group:${oneGroup}`, '1');
    await raw.set(`whatsapp:writes:${fingerprint}:request:FORGED-REQUEST`, genuineMac);

    const one = await subscribe(TENANT_ONE);
    const two = await subscribe(TENANT_TWO);
    const before = await scrape(`${gateway.origin}/metrics`);
    await postReal(oneGroup);
    const forgedRequest = { timestamp: String(Math.floor(Date.now() / 1000)), type: 'group_create', request_id: 'FORGED-REQUEST', errors: [{ code: 1, message: 'x' }] };
    expect((await postWebhook(gateway.webhookUrl, webhookBody('group_lifecycle_update', forgedRequest))).status).toBe(200);
    // Tenant two's own group's event: the marker that everything before it was decided.
    await postReal(twoGroup);

    const [own] = await two.waitForResults(1);
    expect(own?.data?.groupEvents).toMatchObject({ groupId: twoGroup });
    const [theirs] = await one.waitForResults(1);
    expect(theirs?.data?.groupEvents).toMatchObject({ __typename: 'GroupSuspended', groupId: oneGroup });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(two.results).toHaveLength(1);
    expect(one.results).toHaveLength(1);
    const counted = growth(before, await scrape(`${gateway.origin}/metrics`), 'redis_messages_rejected_total');
    expect(counted[rejected('ledger')]).toBeGreaterThanOrEqual(2);
    one.dispose();
    two.dispose();
  });

  it('when the stream cannot be read, /ready names events until the listener reads again by itself; then delivery resumes', async () => {
    const subscriber = await subscribe(TENANT_ONE);
    // The stream replaced by a string: every read of it fails (WRONGTYPE).
    await raw.del(STREAM);
    await raw.set(STREAM, 'not a stream');
    await raw.publish(GROUP_EVENTS_TOPIC, `{"eventId":"${Date.now()}-0"}`);
    await expect.poll(async () => (await fetch(`${gateway.origin}/ready`)).status, { timeout: 15_000 }).toBe(503);
    const body = (await (await fetch(`${gateway.origin}/ready`)).json()) as { failed: string[] };
    expect(body.failed).toEqual(['events']);

    await raw.del(STREAM);
    await expect.poll(async () => (await fetch(`${gateway.origin}/ready`)).status, { timeout: 15_000 }).toBe(200);
    await postReal(oneGroup);
    const [event] = await subscriber.waitForResults(1);
    expect(event?.data?.groupEvents).toMatchObject({ __typename: 'GroupSuspended', groupId: oneGroup });
    expect(gateway.process.child.exitCode).toBeNull();
    subscriber.dispose();
  }, 60_000);
});
