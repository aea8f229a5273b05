/** The events side of /metrics: webhooks received, events published, subscribers connected, the access-check cache. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { subscribeSse } from '../events/sse.js';
import {
  ALL_GROUPS_TOKEN,
  EVENT_FIELDS,
  VERIFY_TOKEN,
  postWebhook,
  signatureOf,
  startEventsGateway,
  subscribeWs,
  suspendItem,
  webhookBody,
  wsClient,
  type EventsGateway,
} from '../events/support.js';
import { GroupEvents } from '../../src/events/group-events.js';
import { createLogger } from '../../src/logger.js';
import { GatewayMetrics } from '../../src/observability/metrics.js';
import { growth, key, parsePrometheusText, scrape, type Scrape } from './prometheus-text.js';

const SUBSCRIPTION = `subscription { groupEvents { ${EVENT_FIELDS} } }`;

let gw: EventsGateway;
beforeEach(async () => (gw = await startEventsGateway()));
afterEach(async () => gw?.close());

const metrics = (): Promise<Scrape> => scrape(`${gw.origin}/metrics`);
const webhooks = (outcome: string) => key('webhooks_received_total', { outcome });
const published = (field: string) => key('events_published_total', { field });

async function subscribersConnected(): Promise<number> {
  return (await metrics()).get('subscribers_connected')!;
}

/** Scrapes until the gauge reads `value` (the server registers and ends subscriptions asynchronously). */
async function waitForSubscribers(value: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const now = await subscribersConnected();
    if (now === value) return;
    if (Date.now() > deadline) throw new Error(`subscribers_connected stayed at ${now}, expected ${value}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('webhook and event metrics', () => {
  it('a signed delivery counts accepted and one event published for its field; its redelivery counts as a duplicate', async () => {
    const body = webhookBody('group_status_update', suspendItem(gw.sandbox.demoGroupIds[0]!));
    const before = await metrics();
    expect(await postWebhook(gw.webhookUrl, body)).toEqual({ status: 200, text: 'EVENT_RECEIVED' });
    const after = await metrics();
    expect(growth(before, after, 'webhooks_received_total')).toEqual({ [webhooks('accepted')]: 1 });
    expect(growth(before, after, 'events_published_total')).toEqual({ [published('group_status_update')]: 1 });
    expect(growth(before, after, 'events_duplicates_total')).toEqual({});

    // Meta sends the same delivery again: accepted (200), but nothing is published twice.
    expect((await postWebhook(gw.webhookUrl, body)).status).toBe(200);
    const again = await metrics();
    expect(growth(after, again, 'webhooks_received_total')).toEqual({ [webhooks('accepted')]: 1 });
    expect(growth(after, again, 'events_published_total')).toEqual({});
    expect(growth(after, again, 'events_duplicates_total')).toEqual({ [key('events_duplicates_total', { field: 'group_status_update' })]: 1 });
  });

  it('a badly signed delivery counts bad_signature and publishes nothing', async () => {
    const body = webhookBody('group_status_update', suspendItem(gw.sandbox.demoGroupIds[0]!));
    const before = await metrics();
    const refused = await postWebhook(gw.webhookUrl, body, { 'x-hub-signature-256': signatureOf(body, 'not-the-app-secret') });
    expect(refused.status).toBe(401);
    const after = await metrics();
    expect(growth(before, after, 'webhooks_received_total')).toEqual({ [webhooks('bad_signature')]: 1 });
    expect(growth(before, after, 'events_published_total')).toEqual({});
  });

  it('each other outcome has its own fixed label, never a value from the request', async () => {
    const before = await metrics();
    expect((await postWebhook(gw.webhookUrl, 'not json {', { 'x-hub-signature-256': signatureOf('not json {') })).status).toBe(400);
    const challenge = 'challenge-1234';
    const verified = await fetch(`${gw.webhookUrl}?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=${challenge}`);
    expect([verified.status, await verified.text()]).toEqual([200, challenge]);
    const refused = await fetch(`${gw.webhookUrl}?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=${challenge}`);
    expect(refused.status).toBe(403);
    await refused.body?.cancel();
    const after = await metrics();
    expect(growth(before, after, 'webhooks_received_total')).toEqual({
      [webhooks('not_json')]: 1,
      [webhooks('verification_ok')]: 1,
      [webhooks('verification_refused')]: 1,
    });
    // Every outcome is exported from the start (at 0), and no other label value ever appears.
    const outcomes = [...after.keys()].filter((series) => series.startsWith('webhooks_received_total{'));
    expect(outcomes.some((series) => series.includes(challenge) || series.includes('guess'))).toBe(false);
    expect(outcomes).toHaveLength(12);
  });

  it('without an app secret every POST counts no_secret', async () => {
    await gw.close();
    gw = await startEventsGateway({ noAppSecret: true });
    const body = webhookBody('group_status_update', suspendItem(gw.sandbox.demoGroupIds[0]!));
    const before = await metrics();
    expect((await postWebhook(gw.webhookUrl, body)).status).toBe(503);
    expect(growth(before, await metrics(), 'webhooks_received_total')).toEqual({ [webhooks('no_secret')]: 1 });
  });
});

describe('subscribers_connected', () => {
  it('goes up by one per SSE subscriber and back down when it disconnects', async () => {
    const before = await subscribersConnected();
    const sse = await subscribeSse(gw.origin, SUBSCRIPTION, ALL_GROUPS_TOKEN);
    try {
      await waitForSubscribers(before + 1);
    } finally {
      sse.close();
    }
    await waitForSubscribers(before);
  });

  it('goes up by one per graphql-ws subscriber and back down when the client unsubscribes', async () => {
    const before = await subscribersConnected();
    const client = wsClient(gw.origin, ALL_GROUPS_TOKEN);
    const subscription = await subscribeWs(client, SUBSCRIPTION);
    await waitForSubscribers(before + 1);
    subscription.dispose();
    await waitForSubscribers(before);
    await client.dispose();
  });

  it('comes back down when a subscriber is disconnected as too slow (its buffer overflowed)', async () => {
    // In process, with a one-event buffer: nobody reads this subscription, so the second event overflows it.
    const registry = new GatewayMetrics({ processMetrics: false });
    const events = new GroupEvents({ redisUrl: undefined, retention: 100, logger: createLogger({ level: 'silent' }), subscriberBuffer: 1, metrics: registry });
    const gauge = async () => parsePrometheusText(await registry.registry.metrics()).get('subscribers_connected');
    try {
      const subscription = events.subscribe({ fingerprint: 'slow', readGroup: async () => ({}) }, {});
      expect(await gauge()).toBe(1);
      const change = () => ({ field: 'group_status_update' as const, phoneNumberId: '15550100199', item: suspendItem(gw.sandbox.demoGroupIds[0]!) });
      await events.receive([change(), change()]);
      const deadline = Date.now() + 15_000;
      while (events.subscriberCount > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await gauge()).toBe(0);
      // It was ended as too slow, not for another reason.
      const last = await subscription.next();
      expect(last.value).toMatchObject({ error: { code: 'SLOW_SUBSCRIBER' } });
      await subscription.return(undefined);
      expect(await gauge()).toBe(0);
    } finally {
      await events.close();
    }
  });
});

describe('cache_lookups_total{cache="event_access"}', () => {
  it('two events of one group for one token within a minute: one miss (one upstream read), then one hit', async () => {
    const groupId = gw.sandbox.demoGroupIds[1]!;
    const client = wsClient(gw.origin, ALL_GROUPS_TOKEN);
    const subscriber = await subscribeWs(client, SUBSCRIPTION);
    gw.sandbox.clearRequests();
    const before = await metrics();

    await postWebhook(gw.webhookUrl, webhookBody('group_status_update', suspendItem(groupId)));
    await subscriber.waitForResults(1);
    await postWebhook(gw.webhookUrl, webhookBody('group_status_update', suspendItem(groupId, 'group_suspend_cleared')));
    await subscriber.waitForResults(2);

    const after = await metrics();
    expect(growth(before, after, 'cache_lookups_total')).toEqual({
      [key('cache_lookups_total', { cache: 'event_access', result: 'miss' })]: 1,
      [key('cache_lookups_total', { cache: 'event_access', result: 'hit' })]: 1,
    });
    // The miss is the one upstream read of that group with the subscriber's token; the hit asked nothing.
    expect(gw.sandbox.requests.map((r) => [r.kind, r.ids])).toEqual([['read', [groupId]]]);
    subscriber.dispose();
    await client.dispose();
  });
});
