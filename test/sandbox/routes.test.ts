import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { get, graphErrorOf, postForm, sendJson } from './graph-client.js';
import { seedTenant, type Tenant } from './tenants.js';

let sandbox: Sandbox;
let tenant: Tenant;
let a: string;
let b: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  tenant = seedTenant(sandbox, [{ joinApprovalMode: 'approval_required', joinRequests: 3 }, { joinApprovalMode: 'approval_required', joinRequests: 1 }]);
  [a, b] = tenant.groupIds as [string, string];
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.clearRequests();
  sandbox.faults.clear();
});

const summary = () => sandbox.requests.map((r) => ({ method: r.method, kind: r.kind, ids: r.ids, status: r.status }));

describe('the route table and the request log', () => {
  it('records each endpoint with its kind and the object it addressed', async () => {
    const { phoneNumberId: phone, token } = tenant;
    await get(sandbox.url, `/v23.0/${phone}/groups?limit=2`, token);
    await get(sandbox.url, `/v23.0/${a}/invite_link`, token);
    await sendJson(sandbox.url, 'POST', `/v23.0/${a}/invite_link`, { messaging_product: 'whatsapp' }, token);
    await get(sandbox.url, `/v23.0/${a}/join_requests?limit=1`, token);
    await sendJson(sandbox.url, 'DELETE', `/v23.0/${a}/participants`, { messaging_product: 'whatsapp', participants: [{ user: '1' }] }, token);
    await get(sandbox.url, `/v23.0/${a}/admins`, token);
    expect(summary()).toEqual([
      { method: 'GET', kind: 'groups', ids: [phone], status: 200 },
      { method: 'GET', kind: 'invite_link', ids: [a], status: 200 },
      { method: 'POST', kind: 'invite_link', ids: [a], status: 200 },
      { method: 'GET', kind: 'join_requests', ids: [a], status: 200 },
      { method: 'DELETE', kind: 'participants', ids: [a], status: 400 },
      { method: 'GET', kind: 'other', ids: [a], status: 400 },
    ]);
  });

  it('batches route edges through the same table: each op answers in its slot, and the log lists each op with its kind', async () => {
    const batch = [
      { method: 'GET', relative_url: `v23.0/${a}/invite_link` },
      { method: 'GET', relative_url: `v23.0/${b}/invite_link` },
      { method: 'GET', relative_url: `v23.0/${a}/join_requests?limit=2` },
      { method: 'GET', relative_url: `v23.0/Y2FwaV9ncm91cDpub3BlZD/invite_link` },
      { method: 'GET', relative_url: `v23.0/${a}?fields=subject` },
    ];
    const res = await postForm(sandbox.url, '/v23.0/', { batch: JSON.stringify(batch), include_headers: 'false' }, tenant.token);
    const slots = (res.json as { code: number; body: string }[]).map((s) => ({ code: s.code, body: JSON.parse(s.body) as Record<string, unknown> }));
    expect(slots.map((s) => s.code)).toEqual([200, 200, 200, 400, 200]);
    expect(slots[0]!.body).toEqual({ messaging_product: 'whatsapp', invite_link: `https://chat.whatsapp.com/${sandbox.groups.get(a)!.inviteCode}` });
    expect(slots[1]!.body).toEqual({ messaging_product: 'whatsapp', invite_link: `https://chat.whatsapp.com/${sandbox.groups.get(b)!.inviteCode}` });
    expect((slots[2]!.body.data as unknown[]).length).toBe(2);
    expect(slots[3]!.body).toMatchObject({ error: { code: 131041 } });

    expect(sandbox.requests).toHaveLength(1);
    expect(sandbox.requests[0]).toMatchObject({ method: 'POST', kind: 'batch', ids: [a, b, a, 'Y2FwaV9ncm91cDpub3BlZD', a] });
    expect(sandbox.requests[0]!.batchOps).toEqual(batch.map((op, i) => ({
      method: 'GET',
      relativeUrl: op.relative_url,
      kind: ['invite_link', 'invite_link', 'join_requests', 'invite_link', 'read'][i],
    })));
  });

  it('a batched join_requests page carries next URLs that point at the sandbox', async () => {
    const res = await postForm(sandbox.url, '/v23.0/', { batch: JSON.stringify([{ method: 'GET', relative_url: `v23.0/${a}/join_requests?limit=1` }]) }, tenant.token);
    const body = JSON.parse((res.json as { body: string }[])[0]!.body) as { paging: { next: string } };
    expect(body.paging.next.startsWith(`${sandbox.url}/v23.0/${a}/join_requests?limit=1&after=`)).toBe(true);
  });

  it('writes inside a batch behave like direct ones (approving a join request)', async () => {
    const request = sandbox.groups.get(b)!.joinRequests[0]!.id;
    const op = { method: 'POST', relative_url: `v23.0/${b}/join_requests`, body: `messaging_product=whatsapp&join_requests=${encodeURIComponent(JSON.stringify([request]))}` };
    const res = await postForm(sandbox.url, '/v23.0/', { batch: JSON.stringify([op]) }, tenant.token);
    expect(JSON.parse((res.json as { body: string }[])[0]!.body)).toEqual({ messaging_product: 'whatsapp', approved_join_requests: [request] });
    expect(sandbox.requests[0]!.batchOps).toEqual([{ method: 'POST', relativeUrl: op.relative_url, kind: 'join_requests' }]);
  });

  it('faults can target an edge by kind and method', async () => {
    sandbox.faults.inject({ kind: 'throttle', code: 131208, match: { kind: 'invite_link', method: 'POST' } });
    await get(sandbox.url, `/v23.0/${a}/invite_link`, tenant.token);
    const reset = await sendJson(sandbox.url, 'POST', `/v23.0/${a}/invite_link`, { messaging_product: 'whatsapp' }, tenant.token);
    expect(reset.status).toBe(429);
    expect(graphErrorOf(reset)).toMatchObject({ code: 131208 });
    expect(summary().map((r) => [r.method, r.kind, r.status])).toEqual([['GET', 'invite_link', 200], ['POST', 'invite_link', 429]]);
  });

  it('a known path with a method it does not serve is "Unsupported request"; an unknown edge is "Unknown path components"', async () => {
    const put = await sendJson(sandbox.url, 'PUT', `/v23.0/${a}/join_requests`, {}, tenant.token);
    expect(graphErrorOf(put)).toMatchObject({ code: 100, message: expect.stringMatching(/^Unsupported put request/) });
    const deep = await get(sandbox.url, `/v23.0/${a}/join_requests/extra`, tenant.token);
    expect(graphErrorOf(deep)).toMatchObject({ code: 2500, message: 'Unknown path components: /join_requests/extra' });
  });
});
