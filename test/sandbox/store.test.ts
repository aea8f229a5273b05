import { afterAll, describe, expect, it } from 'vitest';
import { decodeGroupId, startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { encodeGroupId } from '../../src/sandbox/ids.js';
import { get, graphErrorOf, postJson } from './graph-client.js';

const started: Sandbox[] = [];
afterAll(() => Promise.all(started.map((s) => s.close())));
async function sandboxWith(options: Parameters<typeof startSandbox>[0] = {}) {
  const s = await startSandbox(options);
  started.push(s);
  return s;
}

describe('group ids', () => {
  it('match the documented example encoding (base64 with Z→ZA, =→ZD)', () => {
    expect(encodeGroupId('18055550172', '120363222771963067')).toBe('Y2FwaV9ncm91cDoxODA1NTU1MDE3MjoxMjAzNjMyMjI3NzE5NjMwNjcZD');
    expect(decodeGroupId('Y2FwaV9ncm91cDoxNzA1NTU1MDEzOToxMjAzNjM0MDQ2OTQyMzM4MjAZD')).toEqual({
      businessPhone: '17055550139',
      jid: '120363404694233820',
    });
  });

  it('seeded groups get ids that decode to capi_group:<phone>:120363…', async () => {
    const s = await sandboxWith();
    for (let i = 0; i < 20; i++) {
      const decoded = decodeGroupId(s.groups.seedGroup().id);
      expect(decoded?.jid).toMatch(/^120363\d{12}$/);
      expect(decoded?.businessPhone).toMatch(/^\d{11}$/);
    }
  });
});

describe('seedGroup', () => {
  it('makes realistic participants: wa_id digits, some with a BSUID and username', async () => {
    const s = await sandboxWith();
    const group = s.groups.seedGroup({ participants: 6 });
    expect(group.participants).toHaveLength(6);
    for (const p of group.participants) expect(p.waId).toMatch(/^\d{10,14}$/);
    const withBsuid = group.participants.filter((p) => p.userId !== undefined);
    expect(withBsuid.length).toBeGreaterThan(0);
    for (const p of withBsuid) expect(p.userId).toMatch(/^[A-Z]{2}\.\d+$/);
  });

  it('refuses more than 8 participants', async () => {
    const s = await sandboxWith();
    expect(() => s.groups.seedGroup({ participants: 9 })).toThrow(RangeError);
  });

  it('get() returns a copy: changing it does not change the group', async () => {
    const s = await sandboxWith();
    const { id } = s.groups.seedGroup({ subject: 'Original' });
    const copy = s.groups.get(id);
    if (copy) copy.subject = 'Mutated';
    expect(s.groups.get(id)?.subject).toBe('Original');
  });

  it('list() and delete() reflect the store', async () => {
    const s = await sandboxWith();
    const one = s.groups.seedGroup().id;
    const two = s.groups.seedGroup().id;
    expect(s.groups.list().map((g) => g.id)).toEqual([one, two]);
    expect(s.groups.delete(one)).toBe(true);
    expect(s.groups.list().map((g) => g.id)).toEqual([two]);
  });
});

describe('demo data', () => {
  it('seeds the same demo groups and a demo token on every start', async () => {
    const first = await sandboxWith({ seedDemo: true });
    const second = await sandboxWith({ seedDemo: true });
    expect(first.demoGroupIds.length).toBeGreaterThanOrEqual(3);
    expect(second.demoGroupIds).toEqual(first.demoGroupIds);
    expect(first.demoToken).toBeDefined();
    const res = await get(first.url, `/v23.0/${first.demoGroupIds[0]}?fields=subject`, first.demoToken);
    expect(res.status).toBe(200);
  });

  it('seeds a message the business posted in the first demo group, same id on every start: the demo token pins it and replies to it there only', async () => {
    const first = await sandboxWith({ seedDemo: true });
    const second = await sandboxWith({ seedDemo: true });
    expect(first.demoMessageId).toMatch(/^wamid\./);
    expect(second.demoMessageId).toBe(first.demoMessageId);
    const [hikers, other] = first.demoGroupIds as [string, string];
    const send = (to: string, body: Record<string, unknown>) =>
      postJson(first.url, `/v23.0/${first.demoPhoneNumberId}/messages`, { messaging_product: 'whatsapp', recipient_type: 'group', to, ...body }, first.demoToken);
    const pin = { type: 'pin', pin: { type: 'pin', message_id: first.demoMessageId, expiration_days: 7 } };

    expect((await send(hikers, pin)).status).toBe(200);
    expect(first.groups.get(hikers)!.pinned.map((p) => p.messageId)).toEqual([first.demoMessageId]);
    expect((await send(hikers, { type: 'text', text: { body: 'Count me in' }, context: { message_id: first.demoMessageId } })).status).toBe(200);
    // It is that group's message: another group refuses it.
    expect(graphErrorOf(await send(other, pin))).toMatchObject({ code: 131009 });
    expect(first.groups.get(other)!.pinned).toEqual([]);
  });

  it('seeds nothing by default', async () => {
    const s = await sandboxWith();
    expect(s.demoToken).toBeUndefined();
    expect(s.demoGroupIds).toEqual([]);
    expect(s.demoMessageId).toBeUndefined();
    expect(s.groups.list()).toEqual([]);
  });
});

describe('options', () => {
  it('reports every invalid option at once', async () => {
    await expect(startSandbox({ port: -1, latencyMs: -5, versions: ['23'] })).rejects.toThrow(/port[\s\S]*versions|versions[\s\S]*port/);
  });
});

describe('update', () => {
  it('clears optional fields given as undefined but never required ones', async () => {
    const s = await sandboxWith();
    const { id } = s.groups.seedGroup({ subject: 'Kept', description: 'Gone' });
    s.groups.update(id, { description: undefined, subject: undefined, suspended: true });
    expect(s.groups.get(id)).toMatchObject({ subject: 'Kept', suspended: true });
    expect(s.groups.get(id)?.description).toBeUndefined();
  });
});
