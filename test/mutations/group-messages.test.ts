/**
 * Sending, inviting and pinning against the sandbox over real HTTP: each test asserts the exact
 * upstream requests (the sandbox's request log) and their exact bodies (recorded on the way).
 */
import { createHash } from 'node:crypto';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNDELIVERABLE_WA_ID } from '../../src/sandbox/index.js';
import { graphql } from '../gql/index.js';
import type { SendGroupMessageInput } from '../gql/graphql.js';
import { alteringUpstream, type Exchange } from '../helpers/altering-upstream.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { postMultipart } from '../helpers/multipart.js';
import { watchUpstreamInFlight } from '../helpers/upstream-in-flight.js';
import { growth, key, scrape } from '../operations/prometheus-text.js';
import { makeJpeg } from '../sandbox/jpeg.js';
import { seedTenant, type Tenant } from '../sandbox/tenants.js';

const SendGroupMessage = graphql(`
  mutation SendGroupMessage($input: SendGroupMessageInput!) { sendGroupMessage(input: $input) { messageId groupId } }
`);
const SendGroupInviteLink = graphql(`
  mutation SendGroupInviteLink($input: SendGroupInviteLinkInput!) { sendGroupInviteLink(input: $input) { groupId sent { to messageId } failed { to code message } } }
`);
const PinGroupMessage = graphql(`
  mutation PinGroupMessage($input: PinGroupMessageInput!) { pinGroupMessage(input: $input) { messageId groupId } }
`);
const UnpinGroupMessage = graphql(`
  mutation UnpinGroupMessage($input: UnpinGroupMessageInput!) { unpinGroupMessage(input: $input) { messageId groupId } }
`);

let gw: TestGateway;
/** What the gateway sent upstream, in order (cleared by `upstream()`). */
const sent: Exchange[] = [];
let tenant: Tenant;
let groupId: string;

beforeAll(async () => {
  gw = await startGateway({ upstream: (sandboxUrl) => alteringUpstream(sandboxUrl, (exchange) => void sent.push(exchange)) });
  tenant = seedTenant(gw.sandbox, 1);
  groupId = tenant.groupIds[0]!;
});
afterAll(() => gw.close());

const as = () => ({ authorization: `Bearer ${tenant.token}` });
const MESSAGES = () => `/v23.0/${tenant.phoneNumberId}/messages`;
const MEDIA = () => `/v23.0/${tenant.phoneNumberId}/media`;

/** The requests since the last call: the sandbox's log (method, path, kind) and the JSON bodies recorded on the way. */
function upstream(): { log: [string, string, string][]; bodies: unknown[] } {
  const log = gw.takeUpstreamRequests().map((r): [string, string, string] => [r.method, r.path, r.kind]);
  const bodies = sent.splice(0).map((e) => (e.request.contentType?.startsWith('application/json') ? JSON.parse(e.request.body.toString('utf8')) : e.request.contentType));
  return { log, bodies };
}

function clear(): void {
  upstream();
}

async function sendMessage(fields: Partial<SendGroupMessageInput>) {
  const { body } = await gw.query(SendGroupMessage, { input: { phoneNumberId: tenant.phoneNumberId, groupId, ...fields } }, as());
  return body;
}

describe('sendGroupMessage', () => {
  it('a text is one request: the group send, answered with its message id', async () => {
    clear();
    const body = await sendMessage({ text: { body: 'Hello, group! 👋' } });
    expect(body.errors).toBeUndefined();
    const { messageId } = body.data!.sendGroupMessage;
    expect(body.data!.sendGroupMessage).toEqual({ messageId: expect.stringMatching(/^wamid\./), groupId });
    expect(upstream()).toEqual({
      log: [['POST', MESSAGES(), 'messages']],
      bodies: [{ messaging_product: 'whatsapp', recipient_type: 'group', to: groupId, type: 'text', text: { body: 'Hello, group! 👋', preview_url: false } }],
    });
    expect(gw.sandbox.messages.get(messageId)).toMatchObject({ groupId, direction: 'outbound' });
  });

  it('an image from an upload is two requests: the media upload, then the message naming its id', async () => {
    const jpeg = makeJpeg(320, 240, { totalBytes: 100_000 });
    clear();
    const { status, body } = await postMultipart(gw.url, {
      query: print(SendGroupMessage),
      variables: { input: { phoneNumberId: tenant.phoneNumberId, groupId, media: { kind: 'IMAGE', file: null, caption: 'Our stand' } } },
      fileVariable: 'variables.input.media.file',
      file: { bytes: jpeg, filename: 'stand.jpg', contentType: 'image/jpeg' },
      headers: { ...as(), 'x-graphql-yoga-csrf': '1' },
    });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const exchanges = [...sent];
    const { log, bodies } = upstream();
    expect(log).toEqual([['POST', MEDIA(), 'media'], ['POST', MESSAGES(), 'messages']]);
    // The upload: messaging_product, the MIME type and the file, byte for byte.
    const form = await new Response(new Uint8Array(exchanges[0]!.request.body), { headers: { 'content-type': exchanges[0]!.request.contentType! } }).formData();
    const file = form.get('file') as File;
    expect({ messaging_product: form.get('messaging_product'), type: form.get('type'), file: { name: file.name, type: file.type, size: file.size } })
      .toEqual({ messaging_product: 'whatsapp', type: 'image/jpeg', file: { name: 'stand.jpg', type: 'image/jpeg', size: jpeg.length } });
    const mediaId = (exchanges[0]!.body as { id: string }).id;
    expect(gw.sandbox.media.get(mediaId)).toMatchObject({ mimeType: 'image/jpeg', size: jpeg.length, sha256: createHash('sha256').update(jpeg).digest('hex') });
    expect(bodies[1]).toEqual({ messaging_product: 'whatsapp', recipient_type: 'group', to: groupId, type: 'image', image: { id: mediaId, caption: 'Our stand' } });
  });

  it('a document by link with a filename, as a reply, is one request', async () => {
    const first = (await sendMessage({ text: { body: 'Menu?' } })).data!.sendGroupMessage.messageId;
    clear();
    const body = await sendMessage({ media: { kind: 'DOCUMENT', link: 'https://example.com/files/menu.pdf', filename: 'Menu.pdf', caption: 'This week' }, replyToMessageId: first });
    expect(body.errors).toBeUndefined();
    expect(upstream()).toEqual({
      log: [['POST', MESSAGES(), 'messages']],
      bodies: [{
        messaging_product: 'whatsapp', recipient_type: 'group', to: groupId, context: { message_id: first },
        type: 'document', document: { link: 'https://example.com/files/menu.pdf', caption: 'This week', filename: 'Menu.pdf' },
      }],
    });
    expect(gw.sandbox.messages.get(body.data!.sendGroupMessage.messageId)?.replyTo).toBe(first);
  });

  it('a template with components is one request, the components passed on unchanged', async () => {
    const components = [{ type: 'body', parameters: [{ type: 'text', text: 'Saturday' }] }];
    clear();
    const body = await sendMessage({ template: { name: 'weekly_update', languageCode: 'en_US', components } });
    expect(body.errors).toBeUndefined();
    expect(upstream()).toEqual({
      log: [['POST', MESSAGES(), 'messages']],
      bodies: [{ messaging_product: 'whatsapp', recipient_type: 'group', to: groupId, type: 'template', template: { name: 'weekly_update', language: { code: 'en_US' }, components } }],
    });
  });

  it('a throttled send (131208) is RATE_LIMITED with retryAfterSeconds and not retried; its upload went up once', async () => {
    // A group of its own: the gateway then keeps that group closed for a while (throttle memory).
    const busyGroup = gw.sandbox.groups.seedGroup({ phoneNumberId: tenant.phoneNumberId }).id;
    gw.sandbox.faults.inject({ kind: 'throttle', code: 131208, match: { kind: 'messages' } });
    clear();
    const { body } = await postMultipart(gw.url, {
      query: print(SendGroupMessage),
      variables: { input: { phoneNumberId: tenant.phoneNumberId, groupId: busyGroup, media: { kind: 'IMAGE', file: null } } },
      fileVariable: 'variables.input.media.file',
      file: { bytes: makeJpeg(64, 64), filename: 'a.jpg', contentType: 'image/jpeg' },
      headers: { ...as(), 'x-graphql-yoga-csrf': '1' },
    });
    expect(body.data).toBeNull();
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['RATE_LIMITED']);
    expect(body.errors![0]!.extensions).toMatchObject({ graphApi: { code: 131208 }, retryAfterSeconds: expect.any(Number) });
    expect(upstream().log).toEqual([['POST', MEDIA(), 'media'], ['POST', MESSAGES(), 'messages']]);
  });

  it('outside the service window (131047) a text is OUTSIDE_SERVICE_WINDOW; a template goes', async () => {
    const strict = await startGateway({ sandbox: { groupWindowRequired: true } });
    try {
      const owner = seedTenant(strict.sandbox, 1);
      const input = { phoneNumberId: owner.phoneNumberId, groupId: owner.groupIds[0]! };
      strict.takeUpstreamRequests();
      const refused = await strict.query(SendGroupMessage, { input: { ...input, text: { body: 'Anyone?' } } }, { authorization: `Bearer ${owner.token}` });
      expect(refused.body.data).toBeNull();
      expect(refused.body.errors).toEqual([
        expect.objectContaining({
          message: expect.stringMatching(/^\(#131047\) Re-engagement message/),
          path: ['sendGroupMessage'],
          extensions: expect.objectContaining({ code: 'OUTSIDE_SERVICE_WINDOW', graphApi: expect.objectContaining({ code: 131047 }) }),
        }),
      ]);
      const template = await strict.query(SendGroupMessage, { input: { ...input, template: { name: 'hello_world', languageCode: 'en_US' } } }, { authorization: `Bearer ${owner.token}` });
      expect(template.body.errors).toBeUndefined();
      expect(strict.takeUpstreamRequests().map((r) => r.kind)).toEqual(['messages', 'messages']);
    } finally {
      await strict.close();
    }
  });

  it('metrics count the sends as messages and the upload as media, not as writes to a group', async () => {
    const metricsUrl = gw.url.replace(/\/graphql$/, '/metrics');
    const before = await scrape(metricsUrl);
    await sendMessage({ text: { body: 'counted' } });
    await postMultipart(gw.url, {
      query: print(SendGroupMessage),
      variables: { input: { phoneNumberId: tenant.phoneNumberId, groupId, media: { kind: 'IMAGE', file: null } } },
      fileVariable: 'variables.input.media.file',
      file: { bytes: makeJpeg(64, 64), filename: 'a.jpg', contentType: 'image/jpeg' },
      headers: { ...as(), 'x-graphql-yoga-csrf': '1' },
    });
    expect(growth(before, await scrape(metricsUrl), 'graph_api_requests_total')).toEqual({
      [key('graph_api_requests_total', { kind: 'messages', outcome: '2xx' })]: 2,
      [key('graph_api_requests_total', { kind: 'media', outcome: '2xx' })]: 1,
    });
  });
});

describe('sendGroupInviteLink', () => {
  it('three people are three template sends carrying the group; one undeliverable is failed with its code, the others sent', async () => {
    const to = ['+16505551234', `+${UNDELIVERABLE_WA_ID}`, 'US.13491208655302741918'];
    clear();
    const { body } = await gw.query(
      SendGroupInviteLink,
      { input: { phoneNumberId: tenant.phoneNumberId, groupId, to, template: { name: 'group_invite', languageCode: 'en' } } },
      as(),
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!.sendGroupInviteLink).toEqual({
      groupId,
      sent: [{ to: '+16505551234', messageId: expect.stringMatching(/^wamid\./) }, { to: 'US.13491208655302741918', messageId: expect.stringMatching(/^wamid\./) }],
      failed: [{ to: `+${UNDELIVERABLE_WA_ID}`, code: 'BAD_USER_INPUT', message: expect.stringMatching(/^\(#131026\) Message Undeliverable/) }],
    });
    const { log, bodies } = upstream();
    expect(log).toEqual([['POST', MESSAGES(), 'messages'], ['POST', MESSAGES(), 'messages'], ['POST', MESSAGES(), 'messages']]);
    const invite = (person: string) => ({
      messaging_product: 'whatsapp', recipient_type: 'individual', to: person, type: 'template',
      template: { name: 'group_invite', language: { code: 'en' }, components: [{ type: 'body', parameters: [{ type: 'group_id', group_id: groupId }] }] },
    });
    // Sent a few at a time: the order upstream is not fixed, the set is.
    expect(bodies).toHaveLength(3);
    expect(bodies).toEqual(expect.arrayContaining(to.map(invite)));
  });

  it('a throttled person (131056) is failed RATE_LIMITED; nobody is sent twice', async () => {
    gw.sandbox.faults.inject({ kind: 'throttle', code: 131056, match: { kind: 'messages' } });
    clear();
    const { body } = await gw.query(
      SendGroupInviteLink,
      { input: { phoneNumberId: tenant.phoneNumberId, groupId, to: ['+16505550001'], template: { name: 'group_invite', languageCode: 'en' } } },
      as(),
    );
    expect(body.data!.sendGroupInviteLink).toEqual({ groupId, sent: [], failed: [{ to: '+16505550001', code: 'RATE_LIMITED', message: expect.stringMatching(/131056/) }] });
    expect(upstream().log).toEqual([['POST', MESSAGES(), 'messages']]);
  });
});

describe('sendGroupInviteLink concurrency', () => {
  it('ten people: ten sends, never more than INVITE_SEND_CONCURRENCY (2) in flight at once', async () => {
    const bounded = await startGateway({ env: { INVITE_SEND_CONCURRENCY: '2' } });
    try {
      const owner = seedTenant(bounded.sandbox, 1);
      bounded.sandbox.faults.inject({ kind: 'latency', ms: 150, times: 10, match: { kind: 'messages' } });
      const to = Array.from({ length: 10 }, (_, i) => `+1650555${String(1000 + i)}`);
      bounded.takeUpstreamRequests();
      const watch = watchUpstreamInFlight(bounded.sandbox);
      const { body } = await bounded.query(
        SendGroupInviteLink,
        { input: { phoneNumberId: owner.phoneNumberId, groupId: owner.groupIds[0]!, to, template: { name: 'group_invite', languageCode: 'en' } } },
        { authorization: `Bearer ${owner.token}` },
      );
      expect(watch.stop()).toBe(2);
      expect(body.errors).toBeUndefined();
      expect(body.data!.sendGroupInviteLink.sent.map((s) => s.to)).toEqual(to);
      expect(body.data!.sendGroupInviteLink.failed).toEqual([]);
      expect(bounded.takeUpstreamRequests().map((r) => r.kind)).toEqual(to.map(() => 'messages'));
    } finally {
      await bounded.close();
    }
  });
});

describe('pinGroupMessage / unpinGroupMessage', () => {
  it('each pin is one request; a fourth pin unpins the oldest; an unpin is one request', async () => {
    const ids: string[] = [];
    for (const n of [1, 2, 3, 4]) ids.push((await sendMessage({ text: { body: `note ${n}` } })).data!.sendGroupMessage.messageId);
    clear();
    for (const [index, messageId] of ids.entries()) {
      const { body } = await gw.query(PinGroupMessage, { input: { phoneNumberId: tenant.phoneNumberId, groupId, messageId, expirationDays: index + 1 } }, as());
      expect(body).toEqual({ data: { pinGroupMessage: { messageId, groupId } } });
    }
    const pins = upstream();
    expect(pins.log).toEqual(ids.map(() => ['POST', MESSAGES(), 'messages']));
    expect(pins.bodies).toEqual(ids.map((messageId, index) => ({
      messaging_product: 'whatsapp', recipient_type: 'group', to: groupId, type: 'pin', pin: { type: 'pin', message_id: messageId, expiration_days: index + 1 },
    })));
    expect(gw.sandbox.groups.get(groupId)!.pinned.map((p) => p.messageId)).toEqual(ids.slice(1));

    const { body } = await gw.query(UnpinGroupMessage, { input: { phoneNumberId: tenant.phoneNumberId, groupId, messageId: ids[2]! } }, as());
    expect(body).toEqual({ data: { unpinGroupMessage: { messageId: ids[2], groupId } } });
    expect(upstream()).toEqual({
      log: [['POST', MESSAGES(), 'messages']],
      bodies: [{ messaging_product: 'whatsapp', recipient_type: 'group', to: groupId, type: 'pin', pin: { type: 'unpin', message_id: ids[2] } }],
    });
    expect(gw.sandbox.groups.get(groupId)!.pinned.map((p) => p.messageId)).toEqual([ids[1], ids[3]]);
  });
});
