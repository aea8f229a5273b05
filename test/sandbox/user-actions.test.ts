import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { admin, get } from './graph-client.js';
import { recordWebhooks, seedTenant, type Tenant, type WebhookRecorder } from './tenants.js';

let sandbox: Sandbox;
let webhooks: WebhookRecorder;
let tenant: Tenant;

beforeAll(async () => {
  webhooks = recordWebhooks();
  sandbox = await startSandbox({ webhooks: webhooks.sink });
  tenant = seedTenant(sandbox);
});
afterAll(() => sandbox.close());
beforeEach(() => {
  webhooks.calls.length = 0;
});

const seed = (input: Parameters<Sandbox['groups']['seedGroup']>[0] = {}) =>
  sandbox.groups.seedGroup({ phoneNumberId: tenant.phoneNumberId, participants: [{ waId: '16505550001' }], ...input });
const linkOf = (groupId: string) => `https://chat.whatsapp.com/${sandbox.groups.get(groupId)!.inviteCode}`;
const only = () => {
  expect(webhooks.calls).toHaveLength(1);
  return webhooks.calls[0]!;
};

describe('simulated users (admin routes)', () => {
  it('joining by link adds the participant and notifies group_participants_add with reason invite_link', async () => {
    const { id } = seed();
    const res = await admin(sandbox.url, 'users/join', { inviteLink: linkOf(id), waId: '15551230000', userId: 'US.42' });
    expect(res.json).toEqual({ joined: true, groupId: id });
    expect(sandbox.groups.get(id)!.participants).toContainEqual({ waId: '15551230000', userId: 'US.42' });
    expect(only()).toEqual({
      field: 'group_participants_update',
      phoneNumberId: tenant.phoneNumberId,
      item: { timestamp: expect.any(String), group_id: id, type: 'group_participants_add', reason: 'invite_link', added_participants: [{ wa_id: '15551230000', user_id: 'US.42' }] },
    });
  });

  it('the Graph API shows the new member at once', async () => {
    const { id } = seed();
    await admin(sandbox.url, 'users/join', { inviteLink: linkOf(id), waId: '15551230000' });
    const res = await get(sandbox.url, `/v23.0/${id}?fields=participants`, tenant.token);
    expect(res.json).toMatchObject({ participants: [{ wa_id: '16505550001' }, { wa_id: '15551230000' }] });
  });

  it('a full group (8) refuses a 9th by link with 409', async () => {
    const { id } = seed({ participants: 8 });
    expect((await admin(sandbox.url, 'users/join', { inviteLink: linkOf(id), waId: '15551230000' })).status).toBe(409);
    expect(sandbox.groups.get(id)!.participants).toHaveLength(8);
    expect(webhooks.calls).toEqual([]);
  });

  it('an unknown link is 404; a member joining again is 409', async () => {
    const { id } = seed();
    expect((await admin(sandbox.url, 'users/join', { inviteLink: 'https://chat.whatsapp.com/nope', waId: '1' })).status).toBe(404);
    expect((await admin(sandbox.url, 'users/join', { inviteLink: linkOf(id), waId: '16505550001' })).status).toBe(409);
  });

  it('opening the link of a group that needs approval, or asking to join, creates a pending request and notifies group_join_request_created', async () => {
    const { id } = seed({ joinApprovalMode: 'approval_required' });
    const opened = await admin(sandbox.url, 'users/join', { inviteLink: linkOf(id), waId: '15551230000' });
    const asked = await admin(sandbox.url, 'users/request-join', { inviteLink: linkOf(id), waId: '15551230001', acceptedTerms: false });
    expect(opened.json).toEqual({ joined: false, groupId: id, joinRequestId: expect.any(String) });
    expect(asked.status).toBe(201);
    const pending = sandbox.groups.get(id)!.joinRequests;
    expect(pending.map((r) => [r.waId, r.acceptedTerms])).toEqual([['15551230000', true], ['15551230001', false]]);
    expect(sandbox.groups.get(id)!.participants).toHaveLength(1);
    expect(webhooks.calls.map((c) => c.item)).toEqual([
      { timestamp: expect.any(String), group_id: id, type: 'group_join_request_created', join_request_id: pending[0]!.id, wa_id: '15551230000' },
      { timestamp: expect.any(String), group_id: id, type: 'group_join_request_created', join_request_id: pending[1]!.id, wa_id: '15551230001' },
    ]);
    expect((await admin(sandbox.url, 'users/request-join', { inviteLink: linkOf(id), waId: '15551230000' })).status).toBe(409);
  });

  it('asking to join a group that does not need approval is 409', async () => {
    const { id } = seed();
    expect((await admin(sandbox.url, 'users/request-join', { inviteLink: linkOf(id), waId: '15551230000' })).status).toBe(409);
  });

  it('withdrawing removes the request and notifies group_join_request_revoked', async () => {
    const { id, joinRequests } = seed({ joinApprovalMode: 'approval_required', joinRequests: [{ waId: '15551230000' }] });
    const res = await admin(sandbox.url, 'users/withdraw-request', { groupId: id, joinRequestId: joinRequests[0]!.id });
    expect(res.status).toBe(204);
    expect(sandbox.groups.get(id)!.joinRequests).toEqual([]);
    expect(only().item).toEqual({
      timestamp: expect.any(String), group_id: id, type: 'group_join_request_revoked', join_request_id: joinRequests[0]!.id, wa_id: '15551230000', reason: 'user_revoked',
    });
    expect((await admin(sandbox.url, 'users/withdraw-request', { groupId: id, joinRequestId: joinRequests[0]!.id })).status).toBe(404);
  });

  it('leaving removes the member and notifies group_participants_remove initiated by the participant', async () => {
    const { id } = seed();
    expect((await admin(sandbox.url, 'users/leave', { groupId: id, user: '+16505550001' })).status).toBe(204);
    expect(sandbox.groups.get(id)!.participants).toEqual([]);
    expect(only()).toEqual({
      field: 'group_participants_update',
      phoneNumberId: tenant.phoneNumberId,
      item: { timestamp: expect.any(String), group_id: id, type: 'group_participants_remove', removed_participants: [{ wa_id: '16505550001' }], initiated_by: 'participant' },
    });
    expect((await admin(sandbox.url, 'users/leave', { groupId: id, user: '16505550001' })).status).toBe(404);
  });

  it('someone who left on their own may come back by link', async () => {
    const { id } = seed();
    await admin(sandbox.url, 'users/leave', { groupId: id, user: '16505550001' });
    expect((await admin(sandbox.url, 'users/join', { inviteLink: linkOf(id), waId: '16505550001' })).status).toBe(200);
  });

  it('suspending and clearing flip the group and notify group_status_update; writes are refused meanwhile', async () => {
    const { id } = seed();
    expect((await admin(sandbox.url, 'groups/suspend', { groupId: id })).status).toBe(204);
    expect(sandbox.groups.get(id)!.suspended).toBe(true);
    const refused = await fetch(`${sandbox.url}/v23.0/${id}/invite_link`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp' }),
    });
    expect(refused.status).toBe(403);
    expect((await admin(sandbox.url, 'groups/suspend', { groupId: id })).status).toBe(409);
    expect((await admin(sandbox.url, 'groups/clear-suspension', { groupId: id })).status).toBe(204);
    expect(sandbox.groups.get(id)!.suspended).toBe(false);
    expect(webhooks.calls.map((c) => [c.field, c.item.type, c.item.group_id])).toEqual([
      ['group_status_update', 'group_suspend', id],
      ['group_status_update', 'group_suspend_cleared', id],
    ]);
  });

  it('bad bodies are 400 and unknown groups 404, with a sandboxError', async () => {
    const bad = await admin(sandbox.url, 'users/join', { inviteLink: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({ sandboxError: expect.stringContaining('waId') });
    const unknown = await admin(sandbox.url, 'groups/suspend', { groupId: 'nope' });
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual({ sandboxError: 'no group nope' });
  });

  it('phone numbers and tokens can be added over the admin API and used at once', async () => {
    expect((await admin(sandbox.url, 'phone-numbers', { id: '777000111', groupCreation: 'frozen' })).status).toBe(201);
    expect((await admin(sandbox.url, 'tokens', { token: 'admin-made', groups: [], phoneNumbers: ['777000111'] })).status).toBe(201);
    expect((await admin(sandbox.url, 'groups', { phoneNumberId: '777000111', subject: 'Seeded', joinRequests: 2 })).status).toBe(201);
    const res = await get(sandbox.url, '/v23.0/777000111/groups', 'admin-made');
    expect(res.json).toMatchObject({ data: { groups: [{ subject: 'Seeded' }] } });
  });
});
