/**
 * The `messages` webhooks, received by a real webhook sink over HTTP, signed: statuses after group
 * and 1:1 sends, and what members write into a group (admin route users/send-message).
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, WebhookDelivery, type Sandbox } from '../../src/sandbox/index.js';
import { admin, postJson } from './graph-client.js';
import { seedTenant, type Tenant } from './tenants.js';

const APP_SECRET = 'message-webhooks-secret';

interface Received {
  body: string;
  signature: string | undefined;
  json: { entry: { changes: { field: string; value: Record<string, unknown> }[] }[] };
}

let sink: Server;
let received: Received[] = [];
let delivery: WebhookDelivery;
let sandbox: Sandbox;
let tenant: Tenant;

beforeAll(async () => {
  sink = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    received.push({ body, signature: req.headers['x-hub-signature-256'] as string | undefined, json: JSON.parse(body) });
    res.writeHead(200).end();
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  delivery = new WebhookDelivery({ appSecret: APP_SECRET, delayMs: 10, target: `http://127.0.0.1:${(sink.address() as AddressInfo).port}/webhooks` });
  sandbox = await startSandbox({ webhooks: delivery });
  tenant = seedTenant(sandbox, [{
    subject: 'Hikers',
    participants: [{ waId: '16505550001' }, { waId: '5511987650002', userId: 'BR.4455667788990011' }, { userId: 'US.13491208655302741918', username: 'dana42' }],
  }]);
});
afterAll(async () => {
  delivery.close();
  await sandbox.close();
  sink.closeAllConnections();
  sink.close();
});
beforeEach(() => {
  received = [];
});

async function waitFor(count: number, timeoutMs = 15_000): Promise<Received[]> {
  const deadline = Date.now() + timeoutMs;
  while (received.length < count) {
    if (Date.now() > deadline) throw new Error(`expected ${count} webhooks, got ${received.length}: ${received.map((r) => r.body).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return received;
}

const valueOf = (r: Received) => r.json.entry[0]!.changes[0]!.value;
const statusesOf = (r: Received) => valueOf(r).statuses as Record<string, unknown>[];
const sent = (body: Record<string, unknown>) =>
  postJson(sandbox.url, `/v23.0/${tenant.phoneNumberId}/messages`, { messaging_product: 'whatsapp', ...body }, tenant.token);

describe('status webhooks after a group send', () => {
  it('sent for the group, then one delivered and one read webhook with a status per member; the second member reads without delivered', async () => {
    const groupId = tenant.groupIds[0]!;
    const res = await sent({ recipient_type: 'group', to: groupId, type: 'text', text: { body: 'Saturday: 9am' } });
    const id = (res.json as { messages: { id: string }[] }).messages[0]!.id;
    const hooks = await waitFor(3);
    for (const hook of hooks) {
      expect(hook.signature).toBe(`sha256=${createHmac('sha256', APP_SECRET).update(hook.body).digest('hex')}`);
      expect(hook.json).toMatchObject({ object: 'whatsapp_business_account', entry: [{ changes: [{ field: 'messages' }] }] });
      expect(valueOf(hook)).toMatchObject({ messaging_product: 'whatsapp', metadata: { phone_number_id: tenant.phoneNumberId } });
    }
    const byStatus = Object.fromEntries(hooks.map((h) => [statusesOf(h)[0]!.status as string, h]));
    expect(Object.keys(byStatus).sort()).toEqual(['delivered', 'read', 'sent']);
    expect(valueOf(byStatus.sent!)).toEqual({
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: expect.any(String), phone_number_id: tenant.phoneNumberId },
      statuses: [{ id, status: 'sent', timestamp: expect.stringMatching(/^\d+$/), recipient_id: groupId, recipient_type: 'group' }],
    });
    const pricing = { billable: false, pricing_model: 'PMP', type: 'free_group_customer_service', category: 'group_service' };
    const member = (status: string, fields: Record<string, string>) => ({ id, status, timestamp: expect.stringMatching(/^\d+$/), recipient_id: groupId, recipient_type: 'group', ...fields, pricing });
    expect(statusesOf(byStatus.delivered!)).toEqual([
      member('delivered', { recipient_participant_id: '16505550001' }),
      member('delivered', { recipient_participant_user_id: 'US.13491208655302741918' }),
    ]);
    expect(statusesOf(byStatus.read!)).toEqual([
      member('read', { recipient_participant_id: '16505550001' }),
      member('read', { recipient_participant_id: '5511987650002', recipient_participant_user_id: 'BR.4455667788990011' }),
      member('read', { recipient_participant_user_id: 'US.13491208655302741918' }),
    ]);
    expect(valueOf(byStatus.read!).contacts).toEqual([
      { profile: { name: expect.any(String) }, wa_id: '16505550001' },
      { profile: { name: expect.any(String) }, wa_id: '5511987650002', user_id: 'BR.4455667788990011' },
      { profile: { name: expect.any(String), username: 'dana42' }, user_id: 'US.13491208655302741918' },
    ]);
  });

  it('a marketing template is priced regular, group_marketing', async () => {
    await sent({ recipient_type: 'group', to: tenant.groupIds[0], type: 'template', template: { name: 'weekly_promo', language: { code: 'en' } } });
    const hooks = await waitFor(3);
    const read = hooks.find((h) => statusesOf(h)[0]!.status === 'read')!;
    expect(statusesOf(read)[0]!.pricing).toEqual({ billable: true, pricing_model: 'PMP', type: 'regular', category: 'group_marketing' });
  });
});

describe('status webhooks after a 1:1 send', () => {
  it('sent, delivered, read, each with the person in contacts and recipient_id', async () => {
    const res = await sent({ to: '+4915112345678', type: 'template', template: { name: 'group_invite', language: { code: 'en' }, components: [{ type: 'body', parameters: [{ type: 'group_id', group_id: tenant.groupIds[0] }] }] } });
    const id = (res.json as { messages: { id: string }[] }).messages[0]!.id;
    const hooks = await waitFor(3);
    expect(hooks.map((h) => statusesOf(h)[0]!.status).sort()).toEqual(['delivered', 'read', 'sent']);
    for (const hook of hooks) {
      expect(valueOf(hook).contacts).toEqual([{ profile: { name: expect.any(String) }, wa_id: '4915112345678' }]);
      expect(statusesOf(hook)).toEqual([expect.objectContaining({ id, recipient_id: '4915112345678' })]);
      expect(statusesOf(hook)[0]).not.toHaveProperty('recipient_type');
    }
  });
});

describe('members writing into a group (POST /__sandbox/users/send-message)', () => {
  it('text: messages[] carries group_id, from and the text; contacts[] the member with the given name', async () => {
    const groupId = tenant.groupIds[0]!;
    const res = await admin(sandbox.url, 'users/send-message', { groupId, from: '16505550001', name: 'Ana Souza', text: 'Can I bring my dog?' });
    expect(res.status).toBe(200);
    const { messageId } = res.json as { messageId: string };
    const [hook] = await waitFor(1);
    expect(valueOf(hook!)).toEqual({
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: expect.any(String), phone_number_id: tenant.phoneNumberId },
      contacts: [{ profile: { name: 'Ana Souza' }, wa_id: '16505550001' }],
      messages: [{ from: '16505550001', group_id: groupId, id: messageId, timestamp: expect.stringMatching(/^\d+$/), type: 'text', text: { body: 'Can I bring my dog?' } }],
    });
  });

  it('image: an id the sandbox knows, mime type, sha256, caption; a BSUID-only member comes as from_user_id', async () => {
    const groupId = tenant.groupIds[0]!;
    await admin(sandbox.url, 'users/send-message', { groupId, from: 'US.13491208655302741918', type: 'image', caption: 'Summit!' });
    const [hook] = await waitFor(1);
    const [message] = valueOf(hook!).messages as Record<string, unknown>[];
    expect(message).toMatchObject({ from_user_id: 'US.13491208655302741918', group_id: groupId, type: 'image', image: { id: expect.stringMatching(/^\d+$/), mime_type: 'image/jpeg', sha256: expect.stringMatching(/^[0-9a-f]{64}$/), caption: 'Summit!' } });
    expect(message).not.toHaveProperty('from');
    expect(sandbox.media.get((message!.image as { id: string }).id)).toMatchObject({ phoneNumberId: tenant.phoneNumberId });
  });

  it('unsupported: type unsupported with error 130501; a reply carries context.id', async () => {
    const groupId = tenant.groupIds[0]!;
    const question = await sent({ recipient_type: 'group', to: groupId, text: { body: 'Who comes?' } });
    await waitFor(3);
    received = [];
    const quoted = (question.json as { messages: { id: string }[] }).messages[0]!.id;
    await admin(sandbox.url, 'users/send-message', { groupId, from: '+5511987650002', type: 'unsupported', replyTo: quoted });
    const [hook] = await waitFor(1);
    expect((valueOf(hook!).messages as unknown[])[0]).toMatchObject({
      from: '5511987650002', from_user_id: 'BR.4455667788990011', group_id: groupId, type: 'unsupported', context: { id: quoted },
      errors: [{ code: 130501, message: 'Message type is not currently supported', title: 'Unsupported message type', error_data: { details: expect.any(String) } }],
    });
  });

  it('refuses a non-member (409), an unknown group (404) and an empty text (409), sending nothing', async () => {
    const groupId = tenant.groupIds[0]!;
    expect((await admin(sandbox.url, 'users/send-message', { groupId, from: '19998887777', text: 'hi' })).status).toBe(409);
    expect((await admin(sandbox.url, 'users/send-message', { groupId: 'nope', from: '16505550001', text: 'hi' })).status).toBe(404);
    expect((await admin(sandbox.url, 'users/send-message', { groupId, from: '16505550001' })).status).toBe(409);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received).toEqual([]);
  });

  it('POST /__sandbox/webhooks passes a messages value through as given (e.g. another participant field spelling)', async () => {
    const value = { statuses: [{ id: 'wamid.X', status: 'read', timestamp: '1764489600', recipient_id: tenant.groupIds[0], recipient_type: 'group', participant_recipient_id: '16505550001' }] };
    // No phoneNumberId: the number that owns the status's group.
    expect((await admin(sandbox.url, 'webhooks', { field: 'messages', item: value })).status).toBe(202);
    const [hook] = await waitFor(1);
    expect(hook!.json.entry[0]!.changes[0]).toEqual({ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: expect.any(String), phone_number_id: tenant.phoneNumberId }, ...value } });
  });
});
