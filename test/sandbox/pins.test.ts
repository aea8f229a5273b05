/** Pin and unpin in groups: type "pin", expiration_days 1..30 to pin, at most 3 pinned (the oldest pin goes). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { admin, graphErrorOf, postJson } from './graph-client.js';
import { seedTenant, type Tenant } from './tenants.js';

let sandbox: Sandbox;
let tenant: Tenant;

beforeAll(async () => {
  sandbox = await startSandbox();
  tenant = seedTenant(sandbox);
});
afterAll(() => sandbox.close());

const send = (groupId: string, body: Record<string, unknown>) =>
  postJson(sandbox.url, `/v23.0/${tenant.phoneNumberId}/messages`, { messaging_product: 'whatsapp', recipient_type: 'group', to: groupId, ...body }, tenant.token);
const post = async (groupId: string, text: string) => ((await send(groupId, { type: 'text', text: { body: text } })).json as { messages: { id: string }[] }).messages[0]!.id;
const pin = (groupId: string, messageId: string, days: unknown = 7) => send(groupId, { type: 'pin', pin: { type: 'pin', message_id: messageId, expiration_days: days } });
const unpin = (groupId: string, messageId: string) => send(groupId, { type: 'pin', pin: { type: 'unpin', message_id: messageId } });
const pinned = (groupId: string) => sandbox.groups.get(groupId)!.pinned.map((p) => p.messageId);
const newGroup = () => sandbox.groups.seedGroup({ phoneNumberId: tenant.phoneNumberId }).id;

describe('pin / unpin', () => {
  it('answers like a send (contacts input/wa_id = the group id, a new wamid) and pins the message for expiration_days', async () => {
    const groupId = newGroup();
    const message = await post(groupId, 'Rules of the group');
    const res = await pin(groupId, message, 30);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ messaging_product: 'whatsapp', contacts: [{ input: groupId, wa_id: groupId }], messages: [{ id: expect.stringMatching(/^wamid\./) }] });
    expect((res.json as { messages: { id: string }[] }).messages[0]!.id).not.toBe(message);
    const [entry] = sandbox.groups.get(groupId)!.pinned;
    expect(entry!.messageId).toBe(message);
    expect(entry!.expiresAt - entry!.pinnedAt).toBe(30 * 24 * 60 * 60 * 1000);
  });

  it('a fourth pin unpins the oldest pin; unpinning frees a place', async () => {
    const groupId = newGroup();
    const [a, b, c, d] = [await post(groupId, 'a'), await post(groupId, 'b'), await post(groupId, 'c'), await post(groupId, 'd')];
    for (const id of [a!, b!, c!]) expect((await pin(groupId, id)).status).toBe(200);
    expect(pinned(groupId)).toEqual([a, b, c]);
    expect((await pin(groupId, d!)).status).toBe(200);
    expect(pinned(groupId)).toEqual([b, c, d]);
    expect((await unpin(groupId, c!)).status).toBe(200);
    expect(pinned(groupId)).toEqual([b, d]);
    expect((await pin(groupId, a!)).status).toBe(200);
    expect(pinned(groupId)).toEqual([b, d, a]);
  });

  it('pinning a pinned message renews it in place (nothing is unpinned)', async () => {
    const groupId = newGroup();
    const ids = [await post(groupId, '1'), await post(groupId, '2'), await post(groupId, '3')];
    for (const id of ids) await pin(groupId, id, 1);
    expect((await pin(groupId, ids[0]!, 10)).status).toBe(200);
    expect(pinned(groupId)).toEqual(ids);
  });

  it('a member\'s message can be pinned too', async () => {
    const groupId = newGroup();
    const member = sandbox.groups.get(groupId)!.participants[0]!;
    const wrote = await admin(sandbox.url, 'users/send-message', { groupId, from: member.waId, text: 'Meet at 9' });
    const { messageId } = wrote.json as { messageId: string };
    expect((await pin(groupId, messageId)).status).toBe(200);
    expect(pinned(groupId)).toEqual([messageId]);
  });

  it('expiration_days is required to pin (131008) and must be 1..30 (131009); a quoted number is taken', async () => {
    const groupId = newGroup();
    const message = await post(groupId, 'x');
    expect(graphErrorOf(await send(groupId, { type: 'pin', pin: { type: 'pin', message_id: message } }))).toMatchObject({ code: 131008 });
    for (const days of [0, 31, 1.5, 'soon']) expect(graphErrorOf(await pin(groupId, message, days))).toMatchObject({ code: 131009 });
    expect(pinned(groupId)).toEqual([]);
    expect((await pin(groupId, message, '4')).status).toBe(200);
  });

  it('only messages of that group: another group\'s message, a 1:1 message, an unknown id, a pin operation are 131009', async () => {
    const groupId = newGroup();
    const elsewhere = await post(newGroup(), 'elsewhere');
    expect(graphErrorOf(await pin(groupId, elsewhere))).toMatchObject({ code: 131009 });
    expect(graphErrorOf(await pin(groupId, 'wamid.unknown'))).toMatchObject({ code: 131009 });
    const message = await post(groupId, 'x');
    const operation = ((await pin(groupId, message)).json as { messages: { id: string }[] }).messages[0]!.id;
    expect(graphErrorOf(await pin(groupId, operation))).toMatchObject({ code: 131009 });
    expect(graphErrorOf(await send(groupId, { type: 'pin', pin: { type: 'pin', expiration_days: 3 } }))).toMatchObject({ code: 131008 });
    expect(graphErrorOf(await send(groupId, { type: 'pin', pin: { type: 'star', message_id: message } }))).toMatchObject({ code: 131009 });
    expect(graphErrorOf(await send(groupId, { type: 'pin' }))).toMatchObject({ code: 131008 });
  });

  it('unpinning a message that is not pinned is 131009; pins in a suspended group are 131207', async () => {
    const groupId = newGroup();
    const message = await post(groupId, 'x');
    expect(graphErrorOf(await unpin(groupId, message))).toMatchObject({ code: 131009 });
    await pin(groupId, message);
    sandbox.groups.update(groupId, { suspended: true });
    expect(graphErrorOf(await unpin(groupId, message))).toMatchObject({ code: 131207 });
    expect(pinned(groupId)).toEqual([message]);
  });
});
