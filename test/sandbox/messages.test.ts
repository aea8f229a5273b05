/** POST /{phone-number-id}/messages: group and 1:1 sends, their checks and their errors, over real HTTP. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, UNDELIVERABLE_WA_ID, type Sandbox } from '../../src/sandbox/index.js';
import { admin, graphErrorOf, postJson } from './graph-client.js';
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
beforeEach(() => sandbox.faults.clear());

const send = (body: Record<string, unknown>, token = tenant.token, phoneNumberId = tenant.phoneNumberId) =>
  postJson(sandbox.url, `/v23.0/${phoneNumberId}/messages`, { messaging_product: 'whatsapp', ...body }, token);
const toGroup = (body: Record<string, unknown>) => send({ recipient_type: 'group', to: groupId, ...body });
const WAMID = /^wamid\.[A-Za-z0-9+/=]+$/;

describe('sending to a group', () => {
  it('a text answers {messaging_product, contacts:[{input, wa_id}], messages:[{id}]} with the group id, and is logged as kind messages', async () => {
    sandbox.clearRequests();
    const res = await toGroup({ type: 'text', text: { body: 'Hello group', preview_url: true } });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ messaging_product: 'whatsapp', contacts: [{ input: groupId, wa_id: groupId }], messages: [{ id: expect.stringMatching(WAMID) }] });
    expect(sandbox.requests.map((r) => [r.method, r.path, r.kind, r.ids])).toEqual([
      ['POST', `/v23.0/${tenant.phoneNumberId}/messages`, 'messages', [tenant.phoneNumberId]],
    ]);
  });

  it('each send gets its own message id', async () => {
    const a = (await toGroup({ text: { body: 'one' } })).json as { messages: { id: string }[] };
    const b = (await toGroup({ text: { body: 'two' } })).json as { messages: { id: string }[] };
    expect(a.messages[0]!.id).not.toBe(b.messages[0]!.id);
  });

  it('text bodies are 1 to 4096 characters (131009 outside), and a missing body is 131008', async () => {
    expect((await toGroup({ type: 'text', text: { body: 'é'.repeat(4096) } })).status).toBe(200);
    expect(graphErrorOf(await toGroup({ type: 'text', text: { body: 'x'.repeat(4097) } }))).toMatchObject({ code: 131009 });
    expect(graphErrorOf(await toGroup({ type: 'text', text: { body: '' } }))).toMatchObject({ code: 131009 });
    expect(graphErrorOf(await toGroup({ type: 'text', text: {} }))).toMatchObject({ code: 131008 });
    expect(graphErrorOf(await toGroup({ type: 'text', text: { body: 'x', preview_url: 'yes' } }))).toMatchObject({ code: 131009 });
  });

  it('media by link: caption on image, video, document; filename only on documents; none on audio', async () => {
    const link = 'https://example.com/file';
    expect((await toGroup({ type: 'image', image: { link, caption: 'Look' } })).status).toBe(200);
    expect((await toGroup({ type: 'video', video: { link, caption: 'Watch' } })).status).toBe(200);
    expect((await toGroup({ type: 'document', document: { link, caption: 'Read', filename: 'menu.pdf' } })).status).toBe(200);
    expect((await toGroup({ type: 'audio', audio: { link } })).status).toBe(200);
    expect(graphErrorOf(await toGroup({ type: 'audio', audio: { link, caption: 'Listen' } }))).toMatchObject({ code: 131009, error_data: { details: 'audio messages cannot have a caption.' } });
    expect(graphErrorOf(await toGroup({ type: 'image', image: { link, filename: 'a.jpg' } }))).toMatchObject({ code: 131009 });
  });

  it('media needs exactly one of id and link; an unknown id or a non-http link is 131009', async () => {
    expect(graphErrorOf(await toGroup({ type: 'image', image: {} }))).toMatchObject({ code: 131008 });
    expect(graphErrorOf(await toGroup({ type: 'image', image: { id: '1234', link: 'https://example.com/a.jpg' } }))).toMatchObject({ code: 131009 });
    expect(graphErrorOf(await toGroup({ type: 'image', image: { id: '1234567890123456' } }))).toMatchObject({ code: 131009 });
    expect(graphErrorOf(await toGroup({ type: 'image', image: { link: 'ftp://example.com/a.jpg' } }))).toMatchObject({ code: 131009 });
  });

  it('text and media templates go; an authentication template is 131009', async () => {
    const template = { name: 'weekly_promo', language: { code: 'en_US' }, components: [{ type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/p.jpg' } }] }] };
    expect((await toGroup({ type: 'template', template })).status).toBe(200);
    expect((await toGroup({ type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } })).status).toBe(200);
    expect(graphErrorOf(await toGroup({ type: 'template', template: { name: 'verification_code', language: { code: 'en_US' } } })))
      .toMatchObject({ code: 131009, error_data: { details: 'Authentication templates cannot be sent to groups.' } });
    expect(graphErrorOf(await toGroup({ type: 'template', template: { name: 'hello_world' } }))).toMatchObject({ code: 131008 });
  });

  it('interactive, location, stickers, reactions, contacts are 131051; an unknown type is 100', async () => {
    for (const type of ['interactive', 'location', 'sticker', 'reaction', 'contacts']) {
      expect(graphErrorOf(await toGroup({ type, [type]: {} }))).toMatchObject({ code: 131051 });
    }
    expect(graphErrorOf(await toGroup({ type: 'hologram', hologram: {} }))).toMatchObject({ code: 100 });
  });

  it('recipient_type must match to: a group id as individual, or a phone number as group, fails at once with 131009', async () => {
    sandbox.clearRequests();
    expect(graphErrorOf(await send({ recipient_type: 'individual', to: groupId, text: { body: 'x' } }))).toMatchObject({ code: 131009 });
    expect(graphErrorOf(await send({ to: groupId, text: { body: 'x' } }))).toMatchObject({ code: 131009 });
    expect(graphErrorOf(await send({ recipient_type: 'group', to: '+16505551234', text: { body: 'x' } }))).toMatchObject({ code: 131009 });
    expect(graphErrorOf(await send({ recipient_type: 'broadcast', to: groupId, text: { body: 'x' } }))).toMatchObject({ code: 100 });
  });

  it('replies quote a message of the same group; another group\'s message is 131009', async () => {
    const first = (await toGroup({ text: { body: 'question' } })).json as { messages: { id: string }[] };
    const reply = await toGroup({ text: { body: 'answer' }, context: { message_id: first.messages[0]!.id } });
    expect(reply.status).toBe(200);
    expect(sandbox.messages.get((reply.json as { messages: { id: string }[] }).messages[0]!.id)?.replyTo).toBe(first.messages[0]!.id);
    const other = sandbox.groups.seedGroup({ phoneNumberId: tenant.phoneNumberId }).id;
    const elsewhere = (await send({ recipient_type: 'group', to: other, text: { body: 'hi' } })).json as { messages: { id: string }[] };
    expect(graphErrorOf(await toGroup({ text: { body: 'x' }, context: { message_id: elsewhere.messages[0]!.id } }))).toMatchObject({ code: 131009 });
  });

  it('a group of another phone number or tenant is 131041; a suspended group 131207; a group with no member 131020', async () => {
    const intruder = seedTenant(sandbox, 1);
    expect(graphErrorOf(await send({ recipient_type: 'group', to: intruder.groupIds[0], text: { body: 'x' } }))).toMatchObject({ code: 131041 });
    expect(graphErrorOf(await send({ recipient_type: 'group', to: groupId, text: { body: 'x' } }, intruder.token, intruder.phoneNumberId))).toMatchObject({ code: 131041 });
    const suspended = sandbox.groups.seedGroup({ phoneNumberId: tenant.phoneNumberId, suspended: true }).id;
    const res = await send({ recipient_type: 'group', to: suspended, text: { body: 'x' } });
    expect(res.status).toBe(403);
    expect(graphErrorOf(res)).toMatchObject({ code: 131207 });
    const empty = sandbox.groups.seedGroup({ phoneNumberId: tenant.phoneNumberId, participants: 0 }).id;
    expect(graphErrorOf(await send({ recipient_type: 'group', to: empty, text: { body: 'x' } }))).toMatchObject({ code: 131020 });
  });

  it('a phone number the token does not manage is 100/33; messaging_product is required', async () => {
    const intruder = seedTenant(sandbox);
    expect(graphErrorOf(await send({ recipient_type: 'group', to: groupId, text: { body: 'x' } }, intruder.token))).toMatchObject({ code: 100, error_subcode: 33 });
    const res = await postJson(sandbox.url, `/v23.0/${tenant.phoneNumberId}/messages`, { recipient_type: 'group', to: groupId, text: { body: 'x' } }, tenant.token);
    expect(graphErrorOf(res)).toMatchObject({ code: 100 });
  });

  it('the fault injector reaches the messages endpoint: 131208 (HTTP 429), 130429 and 131056', async () => {
    sandbox.faults.inject({ kind: 'throttle', code: 131208, match: { kind: 'messages' } });
    const limited = await toGroup({ text: { body: 'x' } });
    expect(limited.status).toBe(429);
    expect(graphErrorOf(limited)).toMatchObject({ code: 131208 });
    sandbox.faults.inject({ kind: 'throttle', code: 130429, match: { kind: 'messages' } });
    expect(graphErrorOf(await toGroup({ text: { body: 'x' } }))).toMatchObject({ code: 130429 });
    sandbox.faults.inject({ kind: 'throttle', code: 131056, match: { kind: 'messages' } });
    expect(graphErrorOf(await toGroup({ text: { body: 'x' } }))).toMatchObject({ code: 131056 });
    expect((await toGroup({ text: { body: 'x' } })).status).toBe(200);
  });
});

describe('sending to a person', () => {
  const invite = (to: string, group = groupId) => send({
    recipient_type: 'individual', to, type: 'template',
    template: { name: 'group_invite', language: { code: 'en' }, components: [{ type: 'body', parameters: [{ type: 'group_id', group_id: group }] }] },
  });

  it('a template always goes: to a phone number the answer has {input, wa_id}, to a BSUID {input, user_id}', async () => {
    const byPhone = await invite('+16505551234');
    expect(byPhone.json).toEqual({ messaging_product: 'whatsapp', contacts: [{ input: '+16505551234', wa_id: '16505551234' }], messages: [{ id: expect.stringMatching(WAMID) }] });
    const byBsuid = await invite('US.13491208655302741918');
    expect(byBsuid.json).toMatchObject({ contacts: [{ input: 'US.13491208655302741918', user_id: 'US.13491208655302741918' }] });
    const byRecipient = await send({ recipient: 'US.13491208655302741918', type: 'template', template: { name: 'hello_world', language: { code: 'en' } } });
    expect(byRecipient.json).toMatchObject({ contacts: [{ input: 'US.13491208655302741918', user_id: 'US.13491208655302741918' }] });
  });

  it('the invite parameter must name a group of this phone number (131009)', async () => {
    const foreign = seedTenant(sandbox, 1).groupIds[0]!;
    expect(graphErrorOf(await invite('+16505551234', foreign))).toMatchObject({ code: 131009 });
  });

  it('free-form text to someone who never wrote is 131047; once they write, it goes', async () => {
    const text = { recipient_type: 'individual', to: '+4915112345678', type: 'text', text: { body: 'Hi' } };
    const refused = await send(text);
    expect(refused.status).toBe(400);
    expect(graphErrorOf(refused)).toMatchObject({ code: 131047, message: '(#131047) Re-engagement message' });
    const wrote = await admin(sandbox.url, 'users/send-message', { phoneNumberId: tenant.phoneNumberId, from: '4915112345678', text: 'Hello?' });
    expect(wrote.status).toBe(200);
    expect((await send(text)).status).toBe(200);
    // The window is the writer's and this number's only.
    expect(graphErrorOf(await send({ ...text, to: '+4915100000000' }))).toMatchObject({ code: 131047 });
  });

  it('a member writing in a group opens their own 1:1 window', async () => {
    const member = sandbox.groups.get(groupId)!.participants[0]!;
    expect(graphErrorOf(await send({ to: member.waId, text: { body: 'x' } }))).toMatchObject({ code: 131047 });
    await admin(sandbox.url, 'users/send-message', { groupId, from: member.waId, text: 'hi all' });
    expect((await send({ to: member.waId, text: { body: 'x' } })).status).toBe(200);
  });

  it(`the documented number ${UNDELIVERABLE_WA_ID} and people marked by the admin API are undeliverable (131026)`, async () => {
    expect(graphErrorOf(await invite(`+${UNDELIVERABLE_WA_ID}`))).toMatchObject({ code: 131026, message: '(#131026) Message Undeliverable' });
    expect((await invite('+5511987650001')).status).toBe(200);
    expect((await admin(sandbox.url, 'users/undeliverable', { user: '+5511987650001' })).status).toBe(204);
    expect(graphErrorOf(await invite('+5511987650001'))).toMatchObject({ code: 131026 });
    await admin(sandbox.url, 'users/undeliverable', { user: '5511987650001', undeliverable: false });
    expect((await invite('+5511987650001')).status).toBe(200);
  });

  it('pins are for groups only (131051); a malformed to is 131009', async () => {
    expect(graphErrorOf(await send({ to: '+16505551234', type: 'pin', pin: { type: 'pin', message_id: 'x', expiration_days: 1 } }))).toMatchObject({ code: 131051 });
    expect(graphErrorOf(await send({ to: 'not-a-number', type: 'template', template: { name: 'hello_world', language: { code: 'en' } } }))).toMatchObject({ code: 131009 });
    expect(graphErrorOf(await send({ type: 'template', template: { name: 'hello_world', language: { code: 'en' } } }))).toMatchObject({ code: 131008 });
  });
});
