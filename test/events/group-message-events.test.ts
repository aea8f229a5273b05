/** The `messages` webhook field: inbound group messages and per-participant statuses become typed group events. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metaJson } from '../../src/sandbox/index.js';
import { seedTenant } from '../sandbox/tenants.js';
import { ALL_GROUPS_TOKEN, nowStamp, postWebhook, signatureOf, startEventsGateway, subscribeWs, wsClient, type EventsGateway } from './support.js';

/** Every item's timestamp: recent (items older than WEBHOOK_MAX_AGE_S are dropped). */
const STAMP = nowStamp();

let gw: EventsGateway;
beforeAll(async () => (gw = await startEventsGateway()));
afterAll(async () => gw?.close());

const SUBSCRIPTION = `subscription($groupId: ID, $phoneNumberId: ID, $after: ID) {
  groupEvents(groupId: $groupId, phoneNumberId: $phoneNumberId, after: $after) {
    __typename eventId groupId phoneNumberId occurredAt errors { code message }
    ... on GroupMessageReceived { messageId from { waId userId name } type text media { id mimeType sha256 caption filename } replyToMessageId }
    ... on GroupMessageStatusChanged { messageId status participant { waId userId name } }
  }
}`;

/** Meta's `messages` change: `value` holds `contacts`, `messages` and/or `statuses`. */
function messagesWebhook(value: Record<string, unknown>, phoneNumberId = '15550100199'): string {
  return metaJson({
    object: 'whatsapp_business_account',
    entry: [{ id: '102290129340398', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550100199', phone_number_id: phoneNumberId }, ...value } }] }],
  });
}

let sequence = 0;
function status(groupId: string, state: string, participant: Record<string, string> = {}): Record<string, unknown> {
  sequence++;
  return { id: `wamid.OUT${sequence}`, status: state, timestamp: STAMP, recipient_id: groupId, recipient_type: 'group', ...participant };
}

describe('status webhooks of group messages', () => {
  it('each participant spelling (recipient_participant_id, participant_recipient_id, recipient_participant_user_id) names the participant; none means the whole group', async () => {
    const [group] = gw.sandbox.demoGroupIds as [string];
    const subscriber = await subscribeWs(wsClient(gw.origin, ALL_GROUPS_TOKEN), SUBSCRIPTION, { groupId: group });
    const statuses = [
      status(group, 'sent'),
      status(group, 'delivered', { recipient_participant_id: '16505551111' }),
      status(group, 'read', { participant_recipient_id: '16505552222' }),
      status(group, 'read', { recipient_participant_user_id: 'US.13491208655302741918' }),
      status(group, 'failed'),
      // Not a group status (a one-to-one message): not a group event.
      { id: 'wamid.PERSON', status: 'delivered', timestamp: STAMP, recipient_id: '16505553333' },
    ];
    (statuses[4] as { errors?: unknown }).errors = [{ code: 131026, title: 'Message undeliverable', message: 'Message undeliverable' }];
    const contacts = [{ wa_id: '16505551111', profile: { name: 'Ana' } }, { user_id: 'US.13491208655302741918', profile: { name: 'Bo' } }];
    const body = messagesWebhook({ contacts, statuses });
    expect((await postWebhook(gw.webhookUrl, body)).status).toBe(200);

    const events = (await subscriber.waitForResults(5)).map((r) => r.data?.groupEvents);
    const common = { __typename: 'GroupMessageStatusChanged', eventId: expect.any(String), groupId: group, phoneNumberId: '15550100199', occurredAt: new Date(Number(STAMP) * 1000).toISOString() };
    expect(events).toEqual([
      { ...common, errors: [], messageId: statuses[0]!.id, status: 'SENT', participant: null },
      { ...common, errors: [], messageId: statuses[1]!.id, status: 'DELIVERED', participant: { waId: '16505551111', userId: null, name: 'Ana' } },
      { ...common, errors: [], messageId: statuses[2]!.id, status: 'READ', participant: { waId: '16505552222', userId: null, name: null } },
      { ...common, errors: [], messageId: statuses[3]!.id, status: 'READ', participant: { waId: null, userId: 'US.13491208655302741918', name: 'Bo' } },
      { ...common, errors: [{ code: 131026, message: 'Message undeliverable' }], messageId: statuses[4]!.id, status: 'FAILED', participant: null },
    ]);
    // The same delivery again (Meta retries) publishes nothing new.
    expect((await postWebhook(gw.webhookUrl, body)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(subscriber.results).toHaveLength(5);
    subscriber.dispose();

    // A client that reconnects with the second event's id gets the three after it, replayed.
    const resumed = await subscribeWs(wsClient(gw.origin, ALL_GROUPS_TOKEN), SUBSCRIPTION, { groupId: group, after: events[1].eventId });
    expect((await resumed.waitForResults(3)).map((r) => r.data?.groupEvents)).toEqual(events.slice(2));
    resumed.dispose();
  });

  it('an unsigned or wrongly signed messages webhook is refused and publishes nothing', async () => {
    const [group] = gw.sandbox.demoGroupIds as [string];
    const subscriber = await subscribeWs(wsClient(gw.origin, ALL_GROUPS_TOKEN), SUBSCRIPTION, { groupId: group });
    const body = messagesWebhook({ statuses: [status(group, 'sent')] });
    expect((await postWebhook(gw.webhookUrl, body, { 'x-hub-signature-256': signatureOf(body, 'another-secret') })).status).toBe(401);
    expect((await postWebhook(gw.webhookUrl, body, {})).status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(subscriber.results).toEqual([]);
    subscriber.dispose();
  });
});

describe('inbound group messages', () => {
  it('become GroupMessageReceived with the sender, type, text or media, and the message replied to', async () => {
    const [group] = gw.sandbox.demoGroupIds as [string];
    const subscriber = await subscribeWs(wsClient(gw.origin, ALL_GROUPS_TOKEN), SUBSCRIPTION, { groupId: group });
    const base = { timestamp: STAMP, group_id: group };
    const messages = [
      { ...base, id: 'wamid.IN1', from: '16505551111', type: 'text', text: { body: 'Hello all' } },
      { ...base, id: 'wamid.IN2', from: '16505552222', from_user_id: 'US.42', type: 'image', image: { id: '9001', mime_type: 'image/jpeg', sha256: 'abc=', caption: 'Look' }, context: { id: 'wamid.IN1' } },
      { ...base, id: 'wamid.IN3', from: '16505551111', type: 'document', document: { id: '9002', mime_type: 'application/pdf', filename: 'menu.pdf' } },
      { ...base, id: 'wamid.IN4', from: '16505551111', type: 'unsupported', errors: [{ code: 130501, title: 'Message type is not currently supported', message: 'Message type is not currently supported' }] },
      { ...base, id: 'wamid.IN5', from: '16505551111', type: 'interactive_future_type' },
      // A one-to-one message (no group_id): not a group event.
      { id: 'wamid.IN6', timestamp: STAMP, from: '16505551111', type: 'text', text: { body: 'just to you' } },
    ];
    const contacts = [{ wa_id: '16505551111', profile: { name: 'Ana' } }, { wa_id: '16505552222', user_id: 'US.42', profile: { name: 'Bo' } }];
    expect((await postWebhook(gw.webhookUrl, messagesWebhook({ contacts, messages }))).status).toBe(200);

    const events = (await subscriber.waitForResults(5)).map((r) => r.data?.groupEvents);
    const common = { __typename: 'GroupMessageReceived', eventId: expect.any(String), groupId: group, phoneNumberId: '15550100199', occurredAt: new Date(Number(STAMP) * 1000).toISOString(), errors: [] };
    const ana = { waId: '16505551111', userId: null, name: 'Ana' };
    expect(events).toEqual([
      { ...common, messageId: 'wamid.IN1', from: ana, type: 'TEXT', text: 'Hello all', media: null, replyToMessageId: null },
      {
        ...common, messageId: 'wamid.IN2', from: { waId: '16505552222', userId: 'US.42', name: 'Bo' }, type: 'IMAGE', text: null,
        media: { id: '9001', mimeType: 'image/jpeg', sha256: 'abc=', caption: 'Look', filename: null }, replyToMessageId: 'wamid.IN1',
      },
      { ...common, messageId: 'wamid.IN3', from: ana, type: 'DOCUMENT', text: null, media: { id: '9002', mimeType: 'application/pdf', sha256: null, caption: null, filename: 'menu.pdf' }, replyToMessageId: null },
      { ...common, errors: [{ code: 130501, message: 'Message type is not currently supported' }], messageId: 'wamid.IN4', from: ana, type: 'UNSUPPORTED', text: null, media: null, replyToMessageId: null },
      { ...common, messageId: 'wamid.IN5', from: ana, type: 'OTHER', text: null, media: null, replyToMessageId: null },
    ]);
    subscriber.dispose();
  });
});

describe('tenants', () => {
  it("a tenant receives its group's messages and statuses; another tenant receives neither; filters by phone number apply", async () => {
    const owner = seedTenant(gw.sandbox, 1);
    const other = seedTenant(gw.sandbox, 1);
    const [group] = owner.groupIds as [string];
    const ownerSub = await subscribeWs(wsClient(gw.origin, owner.token), SUBSCRIPTION);
    const otherSub = await subscribeWs(wsClient(gw.origin, other.token), SUBSCRIPTION);
    const filteredOut = await subscribeWs(wsClient(gw.origin, owner.token), SUBSCRIPTION, { phoneNumberId: other.phoneNumberId });
    const body = messagesWebhook(
      {
        messages: [{ id: 'wamid.T1', timestamp: STAMP, group_id: group, from: '16505551111', type: 'text', text: { body: 'mine' } }],
        statuses: [status(group, 'delivered', { recipient_participant_id: '16505551111' })],
      },
      owner.phoneNumberId,
    );
    expect((await postWebhook(gw.webhookUrl, body)).status).toBe(200);
    const events = (await ownerSub.waitForResults(2)).map((r) => r.data?.groupEvents.__typename);
    expect(events).toEqual(['GroupMessageReceived', 'GroupMessageStatusChanged']);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(otherSub.results).toEqual([]);
    expect(filteredOut.results).toEqual([]);
    for (const s of [ownerSub, otherSub, filteredOut]) s.dispose();
  });
});
