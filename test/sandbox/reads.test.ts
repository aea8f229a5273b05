import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { get, graphErrorOf } from './graph-client.js';

const TOKEN = 'reader-token';
let sandbox: Sandbox;
let groupId: string;
let bareGroupId: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  groupId = sandbox.groups.seedGroup({
    subject: 'Hikers',
    description: 'Saturday walks',
    participants: [{ waId: '16505551234' }, { waId: '5511987654321', userId: 'BR.1234567890', username: 'ana42' }],
    joinApprovalMode: 'approval_required',
    creationTimestamp: 1_767_268_800,
  }).id;
  bareGroupId = sandbox.groups.seedGroup({ subject: 'No description', participants: 0 }).id;
  sandbox.tokens.addToken(TOKEN, { groups: '*' });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.clearRequests());

describe('GET /{group-id}', () => {
  it('without fields answers only id and messaging_product', async () => {
    const res = await get(sandbox.url, `/v23.0/${groupId}`, TOKEN);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ id: groupId, messaging_product: 'whatsapp' });
  });

  it('answers exactly the requested fields, then the id Graph adds unasked', async () => {
    const res = await get(sandbox.url, `/v23.0/${groupId}?fields=subject,total_participant_count`, TOKEN);
    expect(res.status).toBe(200);
    expect(res.text).toBe(`{"subject":"Hikers","total_participant_count":2,"id":"${groupId}"}`);
  });

  it('answers every documented field with its wire shape', async () => {
    const fields = 'id,messaging_product,subject,description,suspended,creation_timestamp,participants,total_participant_count,join_approval_mode';
    const res = await get(sandbox.url, `/v23.0/${groupId}?fields=${fields}`, TOKEN);
    expect(res.json).toEqual({
      id: groupId,
      messaging_product: 'whatsapp',
      subject: 'Hikers',
      description: 'Saturday walks',
      suspended: false,
      creation_timestamp: 1_767_268_800,
      participants: [{ wa_id: '16505551234' }, { wa_id: '5511987654321', user_id: 'BR.1234567890', username: 'ana42' }],
      total_participant_count: 2,
      join_approval_mode: 'approval_required',
    });
  });

  it('omits description when the group has none', async () => {
    const res = await get(sandbox.url, `/v23.0/${bareGroupId}?fields=subject,description`, TOKEN);
    expect(res.json).toEqual({ subject: 'No description', id: bareGroupId });
  });

  it('accepts nested participants{wa_id} syntax as participants', async () => {
    const res = await get(sandbox.url, `/v23.0/${groupId}?fields=participants{wa_id,user_id},subject`, TOKEN);
    expect(res.status).toBe(200);
    expect(Object.keys(res.json as object)).toEqual(['participants', 'subject', 'id']);
    expect(sandbox.requests[0]?.fields).toEqual(['participants{wa_id,user_id}', 'subject']);
  });

  it('refuses an unknown field with Graph nonexisting-field error', async () => {
    const res = await get(sandbox.url, `/v23.0/${groupId}?fields=subject,invite_link`, TOKEN);
    expect(res.status).toBe(400);
    expect(graphErrorOf(res)).toEqual({
      message: '(#100) Tried accessing nonexisting field (invite_link) on node type (Group)',
      type: 'OAuthException',
      code: 100,
      fbtrace_id: expect.stringMatching(/^[\w-]{23}$/),
    });
  });

  it('serves unversioned paths and any vNN.0 by default', async () => {
    expect((await get(sandbox.url, `/${groupId}?fields=subject`, TOKEN)).status).toBe(200);
    expect((await get(sandbox.url, `/v26.0/${groupId}?fields=subject`, TOKEN)).status).toBe(200);
  });

  it('answers an unknown version with Unknown path components (2500)', async () => {
    const res = await get(sandbox.url, `/v23.7/${groupId}`, TOKEN);
    expect(res.status).toBe(400);
    expect(graphErrorOf(res)).toMatchObject({ code: 2500, type: 'OAuthException', message: 'Unknown path components: /v23.7' });
  });

  it('answers a group edge it does not emulate with Unknown path components', async () => {
    const res = await get(sandbox.url, `/v23.0/${groupId}/admins`, TOKEN);
    expect(graphErrorOf(res)).toMatchObject({ code: 2500, message: 'Unknown path components: /admins' });
  });

  it('sends usage and trace headers, the trace id matching the envelope', async () => {
    const ok = await get(sandbox.url, `/v23.0/${groupId}`, TOKEN);
    expect(JSON.parse(ok.headers.get('x-app-usage') ?? '')).toEqual({
      call_count: expect.any(Number),
      total_time: expect.any(Number),
      total_cputime: expect.any(Number),
    });
    expect(ok.headers.get('content-type')).toBe('application/json; charset=UTF-8');
    const failed = await get(sandbox.url, `/v23.0/${groupId}?fields=nope`, TOKEN);
    expect(failed.headers.get('x-fb-trace-id')).toBe(graphErrorOf(failed).fbtrace_id);
  });
});

describe('only configured versions when `versions` is set', () => {
  it('refuses a version outside the list', async () => {
    const strict = await startSandbox({ versions: ['v23.0'] });
    try {
      strict.tokens.addToken('t', { groups: '*' });
      const id = strict.groups.seedGroup().id;
      expect((await get(strict.url, `/v23.0/${id}`, 't')).status).toBe(200);
      expect(graphErrorOf(await get(strict.url, `/v24.0/${id}`, 't')).code).toBe(2500);
    } finally {
      await strict.close();
    }
  });
});

describe('GET /?ids=a,b (multiple-id read)', () => {
  it('answers an object keyed by id, each projected like a single read', async () => {
    const res = await get(sandbox.url, `/v23.0/?ids=${groupId},${bareGroupId}&fields=subject`, TOKEN);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      [groupId]: { subject: 'Hikers', id: groupId },
      [bareGroupId]: { subject: 'No description', id: bareGroupId },
    });
  });

  it('fails the whole request with #803 naming the unknown ids', async () => {
    const res = await get(sandbox.url, `/v23.0/?ids=${groupId},nope1,nope2&fields=subject`, TOKEN);
    expect(res.status).toBe(400);
    expect(graphErrorOf(res)).toMatchObject({
      code: 803,
      type: 'OAuthException',
      message: '(#803) Some of the aliases you requested do not exist: nope1,nope2',
    });
  });

  it('refuses more than 50 ids with code 100', async () => {
    const ids = Array.from({ length: 51 }, (_, i) => `id${i}`).join(',');
    const res = await get(sandbox.url, `/v23.0/?ids=${ids}`, TOKEN);
    expect(res.status).toBe(400);
    expect(graphErrorOf(res)).toMatchObject({ code: 100, message: '(#100) Too many IDs. Maximum: 50' });
  });

  it('without ids the root is an unsupported get request', async () => {
    const res = await get(sandbox.url, '/v23.0/', TOKEN);
    expect(graphErrorOf(res)).toMatchObject({ code: 100, type: 'GraphMethodException' });
  });
});
