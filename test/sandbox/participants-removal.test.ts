import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { admin, graphErrorOf, sendJson } from './graph-client.js';
import { recordWebhooks, seedTenant, type Tenant, type WebhookRecorder } from './tenants.js';

let sandbox: Sandbox;
let webhooks: WebhookRecorder;
let tenant: Tenant;
let groupId: string;

const members = [
  { waId: '16505550001' },
  { waId: '16505550002' },
  { waId: '5511987650003', userId: 'BR.1234567890abc' },
  { waId: '4915112340004' },
];

beforeAll(async () => {
  webhooks = recordWebhooks();
  sandbox = await startSandbox({ webhooks: webhooks.sink });
  tenant = seedTenant(sandbox);
});
afterAll(() => sandbox.close());
beforeEach(() => {
  groupId = sandbox.groups.seedGroup({ phoneNumberId: tenant.phoneNumberId, participants: members }).id;
  webhooks.calls.length = 0;
});

const remove = (participants: unknown, extra: Record<string, unknown> = { messaging_product: 'whatsapp' }, token = tenant.token) =>
  sendJson(sandbox.url, 'DELETE', `/v23.0/${groupId}/participants`, { ...extra, participants }, token);
const waIds = () => sandbox.groups.get(groupId)!.participants.map((p) => p.waId);

describe('DELETE /{group-id}/participants', () => {
  it('removes by phone number, wa_id and BSUID: they are gone, and the webhook says so with the request id', async () => {
    const res = await remove([{ user: '+16505550001' }, { user: '16505550002' }, { user: 'BR.1234567890abc' }]);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ messaging_product: 'whatsapp', request_id: expect.stringMatching(/^[0-9A-F]{32}$/) });
    expect(waIds()).toEqual(['4915112340004']);
    expect(webhooks.calls).toEqual([
      {
        field: 'group_participants_update',
        phoneNumberId: tenant.phoneNumberId,
        item: {
          timestamp: expect.any(String),
          group_id: groupId,
          type: 'group_participants_remove',
          request_id: (res.json as { request_id: string }).request_id,
          removed_participants: [
            { input: '+16505550001', wa_id: '16505550001' },
            { input: '16505550002', wa_id: '16505550002' },
            { input: 'BR.1234567890abc', wa_id: '5511987650003', user_id: 'BR.1234567890abc' },
          ],
          initiated_by: 'business',
        },
      },
    ]);
  });

  it('some not in the group: HTTP 206, 131201, naming who was removed and who failed; the found ones are gone', async () => {
    const res = await remove([{ user: '16505550001' }, { user: '19998887777' }]);
    expect(res.status).toBe(206);
    expect(res.json).toEqual({
      error: {
        message: '(#131201) Request partially succeeded',
        type: 'OAuthException',
        code: 131201,
        error_data: { messaging_product: 'whatsapp', details: 'Failed to remove some participants from the group' },
        fbtrace_id: expect.any(String),
      },
      messaging_product: 'whatsapp',
      request_id: expect.any(String),
      removed_participants: [{ input: '16505550001' }],
      failed_participants: [
        {
          input: '19998887777',
          errors: [{ code: 131212, message: '(#131212) Participant is not a part of the group', title: 'Participant is not a part of the group', error_data: { details: expect.any(String) } }],
        },
      ],
    });
    expect(waIds()).not.toContain('16505550001');
    expect(webhooks.calls[0]!.item).toMatchObject({ failed_participants: [{ input: '19998887777' }], errors: [{ code: 131201 }] });
  });

  it('nobody in the group: 131212, HTTP 400, nothing changes and no webhook', async () => {
    const res = await remove([{ user: '19998887777' }]);
    expect(res.status).toBe(400);
    expect(graphErrorOf(res)).toMatchObject({ code: 131212 });
    expect(waIds()).toHaveLength(4);
    expect(webhooks.calls).toEqual([]);
  });

  it('the same person twice (even as phone number and wa_id) is 131202 and nobody is removed', async () => {
    const res = await remove([{ user: '+16505550001' }, { user: '16505550001' }]);
    expect(res.status).toBe(400);
    expect(graphErrorOf(res)).toMatchObject({ code: 131202, message: '(#131202) Duplicate participant' });
    expect(waIds()).toHaveLength(4);
  });

  it.each([
    ['an empty list', []],
    ['nine participants', Array.from({ length: 9 }, (_, i) => ({ user: `1650555100${i}` }))],
    ['a user that is no phone number, wa_id or BSUID', [{ user: 'alice' }]],
    ['an item without user', [{ who: '16505550001' }]],
    ['no list at all', undefined],
  ])('refuses %s with code 100 and removes nobody', async (_name, participants) => {
    const res = await remove(participants);
    expect(res.status).toBe(400);
    expect(graphErrorOf(res)).toMatchObject({ code: 100 });
    expect(waIds()).toHaveLength(4);
  });

  it('eight participants in one call are accepted', async () => {
    const res = await remove([...members.map((m) => ({ user: m.waId })), ...Array.from({ length: 4 }, (_, i) => ({ user: `1777000000${i}` }))]);
    expect(res.status).toBe(206);
    expect(waIds()).toEqual([]);
  });

  it('requires messaging_product whatsapp', async () => {
    expect(graphErrorOf(await remove([{ user: '16505550001' }], {}))).toMatchObject({ code: 100 });
    expect(waIds()).toHaveLength(4);
  });

  it("another tenant's token gets 131041 and removes nobody", async () => {
    const intruder = seedTenant(sandbox);
    expect(graphErrorOf(await remove([{ user: '16505550001' }], undefined, intruder.token))).toMatchObject({ code: 131041 });
    expect(waIds()).toHaveLength(4);
  });

  it('a removed member cannot rejoin by the invite link', async () => {
    await remove([{ user: '16505550001' }]);
    const link = `https://chat.whatsapp.com/${sandbox.groups.get(groupId)!.inviteCode}`;
    const res = await admin(sandbox.url, 'users/join', { inviteLink: link, waId: '16505550001' });
    expect(res.status).toBe(409);
    expect(waIds()).not.toContain('16505550001');
    expect((await admin(sandbox.url, 'users/join', { inviteLink: link, waId: '16505550009' })).status).toBe(200);
  });

  it('POST /{group-id}/participants (adding, listed only in the OpenAPI spec) is not served', async () => {
    const res = await sendJson(sandbox.url, 'POST', `/v23.0/${groupId}/participants`, { messaging_product: 'whatsapp', participants: [{ user: '1' }] }, tenant.token);
    expect(graphErrorOf(res)).toMatchObject({ code: 100, message: expect.stringMatching(/^Unsupported post request/) });
  });
});
