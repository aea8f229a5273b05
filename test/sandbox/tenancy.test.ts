import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox, type StoredGroup } from '../../src/sandbox/index.js';
import { graphErrorOf, sendJson } from './graph-client.js';
import { recordWebhooks, seedTenant, type Tenant, type WebhookRecorder } from './tenants.js';

let sandbox: Sandbox;
let webhooks: WebhookRecorder;
let victim: Tenant;
let attacker: Tenant;
let target: StoredGroup;

beforeAll(async () => {
  webhooks = recordWebhooks();
  sandbox = await startSandbox({ webhooks: webhooks.sink, createDelayMs: 0 });
  victim = seedTenant(sandbox, [{ participants: [{ waId: '16505550001' }], joinApprovalMode: 'approval_required', joinRequests: 2 }]);
  attacker = seedTenant(sandbox, 1);
  target = sandbox.groups.get(victim.groupIds[0]!)!;
});
afterAll(() => sandbox.close());

const W = { messaging_product: 'whatsapp' };

describe("a valid token of another tenant reaches nothing of the victim's", () => {
  const cases: [string, string, () => string, () => unknown, number][] = [
    ['list its groups', 'GET', () => `/v23.0/${victim.phoneNumberId}/groups`, () => undefined, 100],
    ['create a group on its number', 'POST', () => `/v23.0/${victim.phoneNumberId}/groups`, () => ({ ...W, subject: 'Hijack' }), 100],
    ['read a group', 'GET', () => `/v23.0/${target.id}?fields=participants`, () => undefined, 131041],
    ['read the invite link', 'GET', () => `/v23.0/${target.id}/invite_link`, () => undefined, 131041],
    ['reset the invite link', 'POST', () => `/v23.0/${target.id}/invite_link`, () => W, 131041],
    ['remove a participant', 'DELETE', () => `/v23.0/${target.id}/participants`, () => ({ ...W, participants: [{ user: '16505550001' }] }), 131041],
    ['list join requests', 'GET', () => `/v23.0/${target.id}/join_requests`, () => undefined, 131041],
    ['approve a join request', 'POST', () => `/v23.0/${target.id}/join_requests`, () => ({ ...W, join_requests: [target.joinRequests[0]!.id] }), 131041],
    ['reject a join request', 'DELETE', () => `/v23.0/${target.id}/join_requests`, () => ({ ...W, join_requests: [target.joinRequests[0]!.id] }), 131041],
  ];

  it.each(cases)('cannot %s', async (_name, method, path, body, code) => {
    const res = await sendJson(sandbox.url, method, path(), body(), attacker.token);
    expect(res.status).toBe(400);
    expect(graphErrorOf(res)).toMatchObject({ code });
    expect(res.text).not.toContain(target.inviteCode);
    expect(res.text).not.toContain('16505550001');
    await new Promise((r) => setTimeout(r, 20)); // a creation would have landed by now (createDelayMs 0)
    expect(sandbox.groups.get(target.id)).toEqual(target);
    expect(sandbox.groups.countByPhoneNumber(victim.phoneNumberId)).toBe(1);
    expect(webhooks.calls).toEqual([]);
  });

  it('nor through a batch', async () => {
    const batch = JSON.stringify([
      { method: 'GET', relative_url: `v23.0/${target.id}/invite_link` },
      { method: 'GET', relative_url: `v23.0/${victim.phoneNumberId}/groups` },
    ]);
    const res = await sendJson(sandbox.url, 'POST', '/v23.0/', { batch }, attacker.token);
    const codes = (res.json as { code: number; body: string }[]).map((s) => (JSON.parse(s.body) as { error: { code: number } }).error.code);
    expect(codes).toEqual([131041, 100]);
  });
});
