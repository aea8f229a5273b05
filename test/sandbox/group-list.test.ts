import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { call, get, graphErrorOf, type JsonResponse } from './graph-client.js';
import { seedTenant, type Tenant } from './tenants.js';

interface ListBody {
  data: { groups: { id: string; subject: string; created_at: string }[] };
  paging?: { cursors: { before: string; after: string }; next?: string; previous?: string };
}

let sandbox: Sandbox;
let demo: { token: string; phoneNumberId: string };
let other: Tenant;

beforeAll(async () => {
  sandbox = await startSandbox({ seedDemo: true });
  demo = { token: sandbox.demoToken!, phoneNumberId: sandbox.demoPhoneNumberId! };
  other = seedTenant(sandbox, 2);
});
afterAll(() => sandbox.close());

const list = (query: string, token = demo.token, phone = demo.phoneNumberId): Promise<JsonResponse> =>
  get(sandbox.url, `/v23.0/${phone}/groups${query}`, token);
const body = (res: JsonResponse) => res.json as ListBody;

describe('GET /{phone-number-id}/groups', () => {
  it('lists the groups as data.groups with id, subject and created_at, newest first, 25 by default', async () => {
    const res = await list('');
    expect(res.status).toBe(200);
    const { data, paging } = body(res);
    expect(data.groups).toHaveLength(25);
    expect(data.groups[0]).toEqual({ id: sandbox.demoGroupIds[3], subject: 'Old promo group', created_at: '1770897600' });
    expect(data.groups.slice(0, 4).map((g) => g.id)).toEqual([...sandbox.demoGroupIds].reverse());
    expect(paging?.next).toBeDefined();
    expect(paging?.previous).toBeUndefined();
  });

  it('the demo phone number has more than 60 groups, some asking approval with pending join requests', () => {
    const groups = sandbox.groups.list().filter((g) => g.phoneNumberId === demo.phoneNumberId);
    expect(groups.length).toBeGreaterThanOrEqual(60);
    const pending = groups.filter((g) => g.joinApprovalMode === 'approval_required' && g.joinRequests.length > 0);
    expect(pending.length).toBeGreaterThanOrEqual(5);
  });

  it('forward with limit 7 visits every group exactly once, in order, and the last page has no next', async () => {
    const expected = sandbox.groups.listByPhoneNumber(demo.phoneNumberId).map((g) => g.id);
    const seen: string[] = [];
    let query = '?limit=7';
    let pages = 0;
    for (;;) {
      const page = body(await list(query));
      pages += 1;
      seen.push(...page.data.groups.map((g) => g.id));
      expect(page.data.groups.length).toBeLessThanOrEqual(7);
      if (!page.paging?.next) break;
      query = `?limit=7&after=${page.paging.cursors.after}`;
    }
    expect(seen).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 7));
  });

  it('backward with before from the last page visits every group exactly once, and the first page has no previous', async () => {
    const expected = sandbox.groups.listByPhoneNumber(demo.phoneNumberId).map((g) => g.id);
    // Walk to the last page, then back.
    let page = body(await list('?limit=7'));
    while (page.paging?.next) page = body(await list(`?limit=7&after=${page.paging.cursors.after}`));
    const seen = [...page.data.groups.map((g) => g.id)];
    while (page.paging?.previous) {
      page = body(await list(`?limit=7&before=${page.paging.cursors.before}`));
      seen.unshift(...page.data.groups.map((g) => g.id));
      expect(page.data.groups).toHaveLength(7);
    }
    expect(seen).toEqual(expected);
  });

  it('next and previous are URLs that can be followed, and carry no token', async () => {
    const first = body(await list('?limit=5'));
    const second = await call(first.paging!.next!, { headers: { authorization: `Bearer ${demo.token}` } });
    expect(first.paging!.next).toBe(`${sandbox.url}/v23.0/${demo.phoneNumberId}/groups?limit=5&after=${encodeURIComponent(first.paging!.cursors.after)}`);
    expect(first.paging!.next).not.toContain(demo.token);
    const back = body(await call(body(second).paging!.previous!, { headers: { authorization: `Bearer ${demo.token}` } }));
    expect(back.data.groups).toEqual(first.data.groups);
  });

  it('cursors are escaped base64 JSON like Meta\'s', async () => {
    const { paging } = body(await list('?limit=2'));
    expect(paging!.cursors.after).toMatch(/^[A-Za-z0-9+/]+$/);
    expect(paging!.cursors.after).not.toContain('=');
  });

  it('a group created between two pages does not shift the pages after the cursor', async () => {
    const tenant = seedTenant(sandbox, 10);
    const first = body(await list('?limit=4', tenant.token, tenant.phoneNumberId));
    sandbox.groups.seedGroup({ phoneNumberId: tenant.phoneNumberId, subject: 'Newcomer' });
    const second = body(await list(`?limit=4&after=${first.paging!.cursors.after}`, tenant.token, tenant.phoneNumberId));
    expect(second.data.groups.map((g) => g.subject)).toEqual(['Group 6', 'Group 5', 'Group 4', 'Group 3']);
  });

  it('limit 1024 is allowed; 0, 1025 and non-numbers are code 100', async () => {
    expect((await list('?limit=1024')).status).toBe(200);
    for (const limit of ['0', '1025', 'ten', '2.5']) {
      const res = await list(`?limit=${limit}`);
      expect(res.status).toBe(400);
      expect(graphErrorOf(res)).toMatchObject({ code: 100 });
    }
  });

  it('an invalid cursor is 131059, HTTP 400', async () => {
    for (const cursor of ['garbage', 'eyJvZAmZAzZAXQiOjAsInZAlcnNpb25JZACI6IjE3NTU1NTM3MDUxNzUwNTQ1MTAifQZDZD']) {
      const res = await list(`?after=${cursor}`);
      expect(res.status).toBe(400);
      expect(graphErrorOf(res)).toMatchObject({ code: 131059, message: '(#131059) Invalid cursor' });
    }
  });

  it("another phone number's cursor is invalid here (131059)", async () => {
    const mine = body(await list('?limit=1', other.token, other.phoneNumberId));
    const res = await list(`?after=${mine.paging!.cursors.after}`);
    expect(graphErrorOf(res)).toMatchObject({ code: 131059 });
  });

  it('a phone number with no groups answers an empty list with no paging', async () => {
    const empty = seedTenant(sandbox, 0);
    expect((await list('', empty.token, empty.phoneNumberId)).json).toEqual({ data: { groups: [] } });
  });

  it("a token cannot list another tenant's phone number: Graph's 100/33, exactly like a number that does not exist", async () => {
    const foreign = await list('', other.token, demo.phoneNumberId);
    const missing = await list('', other.token, '999999999999');
    expect(foreign.status).toBe(400);
    expect(graphErrorOf(foreign)).toMatchObject({ code: 100, error_subcode: 33, type: 'GraphMethodException' });
    expect(graphErrorOf(foreign).message).toContain(`Object with ID '${demo.phoneNumberId}' does not exist`);
    expect({ ...graphErrorOf(foreign), fbtrace_id: '', message: '' }).toEqual({ ...graphErrorOf(missing), fbtrace_id: '', message: '' });
  });

  it('lists only its own groups: the other tenant\'s list has exactly its two', async () => {
    const theirs = body(await list('', other.token, other.phoneNumberId));
    expect(theirs.data.groups.map((g) => g.id).sort()).toEqual([...other.groupIds].sort());
  });

  it('an ineligible phone number is 131215', async () => {
    const tenant = seedTenant(sandbox, 1);
    sandbox.groups.addPhoneNumber({ id: tenant.phoneNumberId, groupCreation: 'ineligible' });
    expect(graphErrorOf(await list('', tenant.token, tenant.phoneNumberId))).toMatchObject({ code: 131215 });
  });
});
