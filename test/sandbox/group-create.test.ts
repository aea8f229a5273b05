import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { graphErrorOf, postJson, sendJson } from './graph-client.js';
import { recordWebhooks, seedTenant, type Tenant, type WebhookRecorder } from './tenants.js';

let sandbox: Sandbox;
let webhooks: WebhookRecorder;
let tenant: Tenant;

beforeAll(async () => {
  webhooks = recordWebhooks();
  sandbox = await startSandbox({ webhooks: webhooks.sink, createDelayMs: 50 });
});
afterAll(() => sandbox.close());
beforeEach(() => {
  tenant = seedTenant(sandbox);
  webhooks.calls.length = 0;
});

const create = (body: Record<string, unknown>, t: Tenant = tenant) =>
  postJson(sandbox.url, `/v23.0/${t.phoneNumberId}/groups`, body, t.token);
const groupsOf = (t: Tenant) => sandbox.groups.listByPhoneNumber(t.phoneNumberId);

/** Seeds in slices, letting the event loop run between them (keep-alive timers included). */
async function seedMany(t: Tenant, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    sandbox.groups.seedGroup({ phoneNumberId: t.phoneNumberId, participants: 0 });
    if (i % 500 === 0) await new Promise((r) => setImmediate(r));
  }
}

describe('POST /{phone-number-id}/groups', () => {
  it('answers {messaging_product, request_id}; the group appears a moment later, owned by the number, and group_create is notified', async () => {
    const res = await create({ messaging_product: 'whatsapp', subject: '  Team offsite  ', description: 'Friday', join_approval_mode: 'approval_required' });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ messaging_product: 'whatsapp', request_id: expect.stringMatching(/^[0-9A-F]{32}$/) });
    const requestId = (res.json as { request_id: string }).request_id;

    await vi.waitFor(() => expect(groupsOf(tenant)).toHaveLength(1), { timeout: 15_000, interval: 20 });
    const [group] = groupsOf(tenant);
    expect(group).toMatchObject({ subject: 'Team offsite', description: 'Friday', joinApprovalMode: 'approval_required', participants: [], suspended: false });
    expect(webhooks.calls).toEqual([
      {
        field: 'group_lifecycle_update',
        phoneNumberId: tenant.phoneNumberId,
        item: {
          timestamp: expect.stringMatching(/^\d+$/),
          group_id: group!.id,
          type: 'group_create',
          request_id: requestId,
          subject: 'Team offsite',
          description: 'Friday',
          invite_link: `https://chat.whatsapp.com/${group!.inviteCode}`,
          join_approval_mode: 'approval_required',
        },
      },
    ]);
  });

  it('the creating token can read the new group; another tenant cannot', async () => {
    await create({ messaging_product: 'whatsapp', subject: 'Mine' });
    await vi.waitFor(() => expect(groupsOf(tenant)).toHaveLength(1), { timeout: 15_000, interval: 20 });
    const id = groupsOf(tenant)[0]!.id;
    const intruder = seedTenant(sandbox);
    const own = await sendJson(sandbox.url, 'GET', `/v23.0/${id}?fields=subject`, undefined, tenant.token);
    expect(own.json).toEqual({ subject: 'Mine', id });
    expect(graphErrorOf(await sendJson(sandbox.url, 'GET', `/v23.0/${id}`, undefined, intruder.token))).toMatchObject({ code: 131041 });
  });

  it('join_approval_mode defaults to auto_approve and the description is left out when not given', async () => {
    await create({ messaging_product: 'whatsapp', subject: 'Plain' });
    await vi.waitFor(() => expect(webhooks.ofType('group_create')).toHaveLength(1), { timeout: 15_000, interval: 20 });
    expect(webhooks.calls[0]!.item).toMatchObject({ join_approval_mode: 'auto_approve' });
    expect(webhooks.calls[0]!.item).not.toHaveProperty('description');
  });

  it.each([
    ['no messaging_product', { subject: 'x' }, 'The parameter messaging_product is required.'],
    ['another messaging_product', { messaging_product: 'sms', subject: 'x' }, 'Param messaging_product must be "whatsapp".'],
    ['no subject', { messaging_product: 'whatsapp' }, 'The parameter subject is required.'],
    ['a blank subject', { messaging_product: 'whatsapp', subject: '   ' }, 'Param subject must not be empty.'],
    ['a 129-character subject', { messaging_product: 'whatsapp', subject: 'é'.repeat(129) }, 'Param subject must be at most 128 characters long.'],
    ['a 2049-character description', { messaging_product: 'whatsapp', subject: 'x', description: 'd'.repeat(2049) }, 'Param description must be at most 2048 characters long.'],
    ['an unknown join_approval_mode', { messaging_product: 'whatsapp', subject: 'x', join_approval_mode: 'open' }, 'Param join_approval_mode must be one of {approval_required, auto_approve}.'],
  ])('refuses %s with code 100 and creates nothing', async (_name, payload, details) => {
    const res = await create(payload);
    expect(res.status).toBe(400);
    expect(graphErrorOf(res)).toMatchObject({ code: 100, error_data: { details } });
    await new Promise((r) => setTimeout(r, 150));
    expect(groupsOf(tenant)).toHaveLength(0);
    expect(webhooks.calls).toEqual([]);
  });

  it('128 code points after trimming and a 2048-character description are accepted', async () => {
    const res = await create({ messaging_product: 'whatsapp', subject: ` ${'é'.repeat(128)} `, description: 'd'.repeat(2048) });
    expect(res.status).toBe(200);
  });

  it('a phone number of another tenant is Graph\'s 100/33 and nothing is created there', async () => {
    const intruder = seedTenant(sandbox);
    const res = await postJson(sandbox.url, `/v23.0/${tenant.phoneNumberId}/groups`, { messaging_product: 'whatsapp', subject: 'x' }, intruder.token);
    expect(res.status).toBe(400);
    expect(graphErrorOf(res)).toMatchObject({ code: 100, error_subcode: 33 });
    await new Promise((r) => setTimeout(r, 150));
    expect(groupsOf(tenant)).toHaveLength(0);
  });

  it('a number with creation frozen is 131214; an ineligible one 131215', async () => {
    sandbox.groups.addPhoneNumber({ id: tenant.phoneNumberId, groupCreation: 'frozen' });
    expect(graphErrorOf(await create({ messaging_product: 'whatsapp', subject: 'x' }))).toMatchObject({ code: 131214 });
    sandbox.groups.addPhoneNumber({ id: tenant.phoneNumberId, groupCreation: 'ineligible' });
    expect(graphErrorOf(await create({ messaging_product: 'whatsapp', subject: 'x' }))).toMatchObject({ code: 131215 });
  });

  it('at 10,000 groups the number gets 131211; one group fewer still creates', async () => {
    await seedMany(tenant, 9_999);
    expect((await create({ messaging_product: 'whatsapp', subject: 'The 10,000th' })).status).toBe(200);
    await vi.waitFor(() => expect(sandbox.groups.countByPhoneNumber(tenant.phoneNumberId)).toBe(10_000), { timeout: 15_000, interval: 20 });
    const res = await create({ messaging_product: 'whatsapp', subject: 'One too many' });
    expect(res.status).toBe(400);
    expect(graphErrorOf(res)).toMatchObject({ code: 131211, message: '(#131211) Group create limit reached' });
  });

  it('two creations accepted at 9,999 groups: the second fails by webhook with 131211 and no group id', async () => {
    await seedMany(tenant, 9_999);
    const [a, b] = await Promise.all([
      create({ messaging_product: 'whatsapp', subject: 'A' }),
      create({ messaging_product: 'whatsapp', subject: 'B' }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await vi.waitFor(() => expect(webhooks.calls).toHaveLength(2), { timeout: 15_000, interval: 20 });
    const failed = webhooks.calls.find((c) => 'errors' in c.item)!;
    expect(failed.item).toEqual({
      timestamp: expect.any(String),
      type: 'group_create',
      request_id: expect.any(String),
      errors: [{ code: 131211, message: '(#131211) Group create limit reached', title: 'Group create limit reached', error_data: { details: expect.any(String) } }],
    });
    expect(sandbox.groups.countByPhoneNumber(tenant.phoneNumberId)).toBe(10_000);
  });
});

describe('creation is asynchronous', () => {
  it('the answer comes before the group exists; close() cancels a creation still pending', async () => {
    const s = await startSandbox({ createDelayMs: 60_000 });
    const t = seedTenant(s);
    const res = await postJson(s.url, `/v23.0/${t.phoneNumberId}/groups`, { messaging_product: 'whatsapp', subject: 'Later' }, t.token);
    expect(res.status).toBe(200);
    expect(s.groups.countByPhoneNumber(t.phoneNumberId)).toBe(0);
    await s.close();
    expect(s.groups.countByPhoneNumber(t.phoneNumberId)).toBe(0);
  });
});

describe("createResponse: 'id'", () => {
  it('answers {id} and the group exists at once', async () => {
    const s = await startSandbox({ createResponse: 'id' });
    try {
      const t = seedTenant(s);
      const res = await postJson(s.url, `/v23.0/${t.phoneNumberId}/groups`, { messaging_product: 'whatsapp', subject: 'Now' }, t.token);
      const { id } = res.json as { id: string };
      expect(s.groups.get(id)).toMatchObject({ subject: 'Now', phoneNumberId: t.phoneNumberId });
    } finally {
      await s.close();
    }
  });
});
