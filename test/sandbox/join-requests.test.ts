import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox, type StoredGroup } from '../../src/sandbox/index.js';
import { get, graphErrorOf, sendJson, type JsonResponse } from './graph-client.js';
import { recordWebhooks, seedTenant, type Tenant, type WebhookRecorder } from './tenants.js';

let sandbox: Sandbox;
let webhooks: WebhookRecorder;
let tenant: Tenant;
let group: StoredGroup;

beforeAll(async () => {
  webhooks = recordWebhooks();
  sandbox = await startSandbox({ webhooks: webhooks.sink });
  tenant = seedTenant(sandbox);
});
afterAll(() => sandbox.close());
beforeEach(() => {
  group = sandbox.groups.seedGroup({
    phoneNumberId: tenant.phoneNumberId,
    participants: 5,
    joinApprovalMode: 'approval_required',
    joinRequests: [{ waId: '16505551234' }, { waId: '5511987650001', userId: 'BR.998877' }, { waId: '4915112340002', acceptedTerms: false }],
  });
  webhooks.calls.length = 0;
});

const decide = (method: 'POST' | 'DELETE', ids: unknown, token = tenant.token, extra: Record<string, unknown> = { messaging_product: 'whatsapp' }) =>
  sendJson(sandbox.url, method, `/v23.0/${group.id}/join_requests`, { ...extra, join_requests: ids }, token);
const ids = () => group.joinRequests.map((r) => r.id);
const current = () => sandbox.groups.get(group.id)!;

interface ListBody {
  data: { join_request_id: string; wa_id: string; creation_timestamp: number }[];
  paging?: { cursors: { before: string; after: string }; next?: string; previous?: string };
}

describe('GET /{group-id}/join_requests', () => {
  it('lists pending requests as a data array, oldest first', async () => {
    const res = await get(sandbox.url, `/v23.0/${group.id}/join_requests`, tenant.token);
    expect(res.status).toBe(200);
    const body = res.json as ListBody;
    expect(body.data).toEqual([
      { join_request_id: ids()[0], wa_id: '16505551234', creation_timestamp: group.creationTimestamp },
      { join_request_id: ids()[1], wa_id: '5511987650001', user_id: 'BR.998877', creation_timestamp: group.creationTimestamp },
      { join_request_id: ids()[2], wa_id: '4915112340002', creation_timestamp: group.creationTimestamp },
    ]);
    expect(body.paging?.cursors).toEqual({ before: expect.any(String), after: expect.any(String) });
    expect(body.paging?.next).toBeUndefined();
  });

  it('join request ids are base64 of <wa_id>:<group JID>, like Meta\'s example', () => {
    expect(Buffer.from(ids()[0]!, 'base64').toString()).toMatch(/^16505551234:120363\d{12}$/);
  });

  it('pages with limit and after/before, each request once', async () => {
    const seen: string[] = [];
    let page = (await get(sandbox.url, `/v23.0/${group.id}/join_requests?limit=2`, tenant.token)).json as ListBody;
    seen.push(...page.data.map((r) => r.join_request_id));
    expect(page.paging?.next).toBeDefined();
    page = (await get(sandbox.url, `/v23.0/${group.id}/join_requests?limit=2&after=${page.paging!.cursors.after}`, tenant.token)).json as ListBody;
    seen.push(...page.data.map((r) => r.join_request_id));
    expect(page.paging?.next).toBeUndefined();
    expect(seen).toEqual(ids());
    const back = (await get(sandbox.url, `/v23.0/${group.id}/join_requests?limit=2&before=${page.paging!.cursors.before}`, tenant.token)).json as ListBody;
    expect(back.data.map((r) => r.join_request_id)).toEqual(ids().slice(0, 2));
  });

  it("a cursor of another group's list is 131059", async () => {
    const other = sandbox.groups.seedGroup({ phoneNumberId: tenant.phoneNumberId, joinRequests: 2 });
    const page = (await get(sandbox.url, `/v23.0/${other.id}/join_requests?limit=1`, tenant.token)).json as ListBody;
    const res = await get(sandbox.url, `/v23.0/${group.id}/join_requests?after=${page.paging!.cursors.after}`, tenant.token);
    expect(graphErrorOf(res)).toMatchObject({ code: 131059 });
  });

  it("another tenant's token gets 131041", async () => {
    const intruder = seedTenant(sandbox);
    expect(graphErrorOf(await get(sandbox.url, `/v23.0/${group.id}/join_requests`, intruder.token))).toMatchObject({ code: 131041 });
  });
});

describe('POST /{group-id}/join_requests (approve)', () => {
  it('approved requesters become participants, leave the pending list, and group_participants_add is notified', async () => {
    const res = await decide('POST', [ids()[0], ids()[1]]);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ messaging_product: 'whatsapp', approved_join_requests: [ids()[0], ids()[1]] });
    expect(current().participants.slice(5)).toEqual([{ waId: '16505551234' }, { waId: '5511987650001', userId: 'BR.998877' }]);
    expect(current().joinRequests.map((r) => r.id)).toEqual([ids()[2]]);
    expect(webhooks.calls).toEqual([
      {
        field: 'group_participants_update',
        phoneNumberId: tenant.phoneNumberId,
        item: {
          timestamp: expect.any(String),
          group_id: group.id,
          type: 'group_participants_add',
          added_participants: [
            { input: ids()[0], wa_id: '16505551234' },
            { input: ids()[1], wa_id: '5511987650001', user_id: 'BR.998877' },
          ],
        },
      },
    ]);
  });

  it('an unknown id fails alone with 131213; a requester who has not accepted the terms with 131203', async () => {
    const res = await decide('POST', [ids()[0], 'bm9wZQ', ids()[2]]);
    expect(res.status).toBe(200);
    const item = (code: number, message: string, title: string) => ({ code, message, title, error_data: { details: expect.any(String) } });
    const notExist = item(131213, '(#131213) Group join request does not exist', 'Group join request does not exist');
    const terms = item(131203, '(#131203) Recipient has not accepted our new Terms of Service and Privacy Policy.', 'Unable to add participant to group');
    expect(res.json).toEqual({
      messaging_product: 'whatsapp',
      approved_join_requests: [ids()[0]],
      failed_join_requests: [
        { join_request_id: 'bm9wZQ', errors: [notExist] },
        { join_request_id: ids()[2], errors: [terms] },
      ],
      errors: [notExist, terms],
    });
    expect(current().joinRequests.map((r) => r.id)).toEqual([ids()[1], ids()[2]]);
  });

  it('the 9th participant is refused with 131204: the group stays at 8', async () => {
    const full = sandbox.groups.seedGroup({ phoneNumberId: tenant.phoneNumberId, participants: 7, joinApprovalMode: 'approval_required', joinRequests: 2 });
    const [eighth, ninth] = full.joinRequests.map((r) => r.id);
    const res = await sendJson(sandbox.url, 'POST', `/v23.0/${full.id}/join_requests`, { messaging_product: 'whatsapp', join_requests: [eighth, ninth] }, tenant.token);
    expect(res.json).toMatchObject({
      approved_join_requests: [eighth],
      failed_join_requests: [{ join_request_id: ninth, errors: [{ code: 131204, message: '(#131204) Participant overlimit' }] }],
    });
    expect(sandbox.groups.get(full.id)!.participants).toHaveLength(8);
    expect(sandbox.groups.get(full.id)!.joinRequests.map((r) => r.id)).toEqual([ninth]);
  });

  it.each([
    ['an empty list', []],
    ['51 ids', Array.from({ length: 51 }, (_, i) => `id${i}`)],
    ['a non-string id', [42]],
    ['no list', undefined],
  ])('refuses %s with code 100 and approves nothing', async (_name, list) => {
    const res = await decide('POST', list);
    expect(res.status).toBe(400);
    expect(graphErrorOf(res)).toMatchObject({ code: 100 });
    expect(current().joinRequests).toHaveLength(3);
  });

  it('requires messaging_product whatsapp', async () => {
    expect(graphErrorOf(await decide('POST', [ids()[0]], tenant.token, {}))).toMatchObject({ code: 100 });
  });

  it("another tenant's token gets 131041 and approves nothing", async () => {
    const intruder = seedTenant(sandbox);
    expect(graphErrorOf(await decide('POST', [ids()[0]], intruder.token))).toMatchObject({ code: 131041 });
    expect(current().joinRequests).toHaveLength(3);
    expect(current().participants).toHaveLength(5);
  });

  it('a suspended group is 131207', async () => {
    sandbox.groups.update(group.id, { suspended: true });
    const res: JsonResponse = await decide('POST', [ids()[0]]);
    expect(res.status).toBe(403);
    expect(graphErrorOf(res)).toMatchObject({ code: 131207 });
  });
});

describe('DELETE /{group-id}/join_requests (reject)', () => {
  it('rejected requests disappear, nobody joins, and no webhook is sent', async () => {
    const res = await decide('DELETE', [ids()[0], 'bm9wZQ']);
    expect(res.json).toEqual({
      messaging_product: 'whatsapp',
      rejected_join_requests: [ids()[0]],
      failed_join_requests: [{ join_request_id: 'bm9wZQ', errors: [expect.objectContaining({ code: 131213 })] }],
      errors: [expect.objectContaining({ code: 131213 })],
    });
    expect(current().joinRequests.map((r) => r.id)).toEqual([ids()[1], ids()[2]]);
    expect(current().participants).toHaveLength(5);
    expect(webhooks.calls).toEqual([]);
    const listed = (await get(sandbox.url, `/v23.0/${group.id}/join_requests`, tenant.token)).json as ListBody;
    expect(listed.data.map((r) => r.join_request_id)).toEqual([ids()[1], ids()[2]]);
  });

  it('an already approved request can no longer be rejected (131213)', async () => {
    await decide('POST', [ids()[0]]);
    const res = await decide('DELETE', [ids()[0]]);
    expect(res.json).toMatchObject({ rejected_join_requests: [], failed_join_requests: [{ join_request_id: ids()[0] }] });
  });
});
