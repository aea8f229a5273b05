import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { admin, get, graphErrorOf, postJson } from './graph-client.js';
import { seedTenant, type Tenant } from './tenants.js';

let sandbox: Sandbox;
let tenant: Tenant;
let groupId: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  tenant = seedTenant(sandbox, 1);
  groupId = tenant.groupIds[0]!;
});
afterAll(() => sandbox.close());

const readLink = async (token = tenant.token) => get(sandbox.url, `/v23.0/${groupId}/invite_link`, token);
const reset = (body: unknown = { messaging_product: 'whatsapp' }, id = groupId) =>
  postJson(sandbox.url, `/v23.0/${id}/invite_link`, body, tenant.token);

describe('GET /{group-id}/invite_link', () => {
  it('answers {messaging_product, invite_link} with a chat.whatsapp.com link, the same on every read', async () => {
    const first = await readLink();
    expect(first.status).toBe(200);
    expect(first.json).toEqual({ messaging_product: 'whatsapp', invite_link: expect.stringMatching(/^https:\/\/chat\.whatsapp\.com\/[A-Za-z0-9]{22}$/) });
    expect((await readLink()).json).toEqual(first.json);
  });

  it("another tenant's token gets 131041, like a missing group", async () => {
    const intruder = seedTenant(sandbox);
    expect(graphErrorOf(await readLink(intruder.token))).toMatchObject({ code: 131041 });
  });
});

describe('POST /{group-id}/invite_link', () => {
  it('resets the link: the answer holds a new one, reads show it, and the old link no longer lets anyone in', async () => {
    const old = (await readLink()).json as { invite_link: string };
    const res = await reset();
    expect(res.status).toBe(200);
    const fresh = res.json as { messaging_product: string; invite_link: string };
    expect(fresh.messaging_product).toBe('whatsapp');
    expect(fresh.invite_link).toMatch(/^https:\/\/chat\.whatsapp\.com\//);
    expect(fresh.invite_link).not.toBe(old.invite_link);
    expect((await readLink()).json).toEqual(fresh);

    const byOld = await admin(sandbox.url, 'users/join', { inviteLink: old.invite_link, waId: '15550009999' });
    expect(byOld.status).toBe(404);
    const byNew = await admin(sandbox.url, 'users/join', { inviteLink: fresh.invite_link, waId: '15550009999' });
    expect(byNew.json).toEqual({ joined: true, groupId });
  });

  it('requires messaging_product whatsapp and keeps the link when refused', async () => {
    const before = (await readLink()).json;
    expect(graphErrorOf(await reset({}))).toMatchObject({ code: 100 });
    expect(graphErrorOf(await reset({ messaging_product: 'messenger' }))).toMatchObject({ code: 100 });
    expect((await readLink()).json).toEqual(before);
  });

  it('a suspended group is 131207, HTTP 403', async () => {
    const suspended = sandbox.groups.seedGroup({ phoneNumberId: tenant.phoneNumberId, suspended: true }).id;
    const res = await reset(undefined, suspended);
    expect(res.status).toBe(403);
    expect(graphErrorOf(res)).toMatchObject({ code: 131207 });
  });

  it('DELETE is not served (only the OpenAPI spec lists it)', async () => {
    const res = await fetch(`${sandbox.url}/v23.0/${groupId}/invite_link`, { method: 'DELETE', headers: { authorization: `Bearer ${tenant.token}` } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^Unsupported delete request/);
  });
});
