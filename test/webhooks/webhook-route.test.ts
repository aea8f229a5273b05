import { createLogger } from '../../src/logger.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALL_GROUPS_TOKEN,
  EVENT_FIELDS,
  VERIFY_TOKEN,
  nowStamp,
  postWebhook,
  signatureOf,
  startEventsGateway,
  subscribeWs,
  suspendItem,
  webhookBody,
  wsClient,
  type EventsGateway,
} from '../events/support.js';

let gw: EventsGateway;
beforeAll(async () => (gw = await startEventsGateway()));
afterAll(async () => gw?.close());

const SUBSCRIPTION = `subscription { groupEvents { ${EVENT_FIELDS} occurredAt } }`;

describe('GET /webhooks/whatsapp (Meta verification)', () => {
  const verify = (params: Record<string, string>) => fetch(`${gw.webhookUrl}?${new URLSearchParams(params)}`);

  it('answers the challenge as plain text when the verify token matches', async () => {
    const response = await verify({ 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1158201444' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toBe('1158201444');
  });

  it('refuses a wrong token, another mode, or a missing challenge with 403', async () => {
    expect((await verify({ 'hub.mode': 'subscribe', 'hub.verify_token': 'guess', 'hub.challenge': '1' })).status).toBe(403);
    expect((await verify({ 'hub.mode': 'unsubscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1' })).status).toBe(403);
    expect((await verify({ 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN })).status).toBe(403);
  });

  it('refuses every verification when no verify token is configured (an empty token does not match)', async () => {
    const bare = await startEventsGateway({ env: { WHATSAPP_WEBHOOK_VERIFY_TOKEN: '' } });
    try {
      const empty = await fetch(`${bare.webhookUrl}?hub.mode=subscribe&hub.verify_token=&hub.challenge=7`);
      expect(empty.status).toBe(403);
      const missing = await fetch(`${bare.webhookUrl}?hub.mode=subscribe&hub.challenge=7`);
      expect(missing.status).toBe(403);
    } finally {
      await bare.close();
    }
  });
});

describe('POST /webhooks/whatsapp', () => {
  const group = () => gw.sandbox.demoGroupIds[0]!;

  it('publishes a validly signed change to subscribers; refused posts publish nothing', async () => {
    const client = wsClient(gw.origin, ALL_GROUPS_TOKEN);
    const subscriber = await subscribeWs(client, SUBSCRIPTION);
    try {
      // Non-ASCII text, escaped as Meta sends it: the signature is over these exact bytes.
      const accented = { timestamp: nowStamp(), group_id: group(), type: 'group_settings_update', request_id: 'R-ä', group_subject: { text: 'Café Zürich ☕', update_successful: true } };
      const body = webhookBody('group_settings_update', accented);
      expect(body).toContain('Caf\\u00e9 Z\\u00fcrich \\u2615');

      const missing = await postWebhook(gw.webhookUrl, body, { 'x-hub-signature-256': undefined });
      const wrong = await postWebhook(gw.webhookUrl, body, { 'x-hub-signature-256': signatureOf(body, 'another-secret') });
      // The classic bug: an HMAC over the re-serialised JSON (UTF-8 text instead of the escapes sent).
      const reserialised = await postWebhook(gw.webhookUrl, body, { 'x-hub-signature-256': signatureOf(JSON.stringify(JSON.parse(body))) });
      const malformed = await postWebhook(gw.webhookUrl, body, { 'x-hub-signature-256': 'sha256=zz' });
      expect([missing.status, wrong.status, reserialised.status, malformed.status]).toEqual([401, 401, 401, 401]);

      const marker = suspendItem(group());
      const accepted = await postWebhook(gw.webhookUrl, webhookBody('group_status_update', marker));
      expect(accepted.status).toBe(200);
      const accentedOk = await postWebhook(gw.webhookUrl, body);
      expect(accentedOk.status).toBe(200);

      const [first, second] = await subscriber.waitForResults(2);
      // The first event is the marker: none of the refused posts was published before it.
      expect(first?.data?.groupEvents).toMatchObject({ __typename: 'GroupSuspended', groupId: group(), occurredAt: new Date(Number(marker.timestamp) * 1000).toISOString() });
      expect(second?.data?.groupEvents).toMatchObject({ __typename: 'GroupSettingsUpdated', requestId: 'R-ä' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(subscriber.results).toHaveLength(2);
    } finally {
      await client.dispose();
    }
  });

  it('answers 400 to a validly signed body that is not JSON', async () => {
    const body = '{"object": "whatsapp_business_account", ';
    expect((await postWebhook(gw.webhookUrl, body)).status).toBe(400);
  });

  it('answers 413 to a body over 3 MB, declared or streamed', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 1, 0x20);
    const declared = await postWebhook(gw.webhookUrl, big);
    expect(declared.status).toBe(413);
    // Chunked (no Content-Length): counted while it streams in.
    let sent = 0;
    const chunks = new ReadableStream<Uint8Array>({
      pull: (controller) => (sent++ < 4 ? controller.enqueue(new Uint8Array(1024 * 1024).fill(0x20)) : controller.close()),
    });
    const streamed = await fetch(gw.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signatureOf('x') },
      body: chunks,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
  });

  it('accepts and ignores changes of other fields (messages, statuses)', async () => {
    const client = wsClient(gw.origin, ALL_GROUPS_TOKEN);
    const subscriber = await subscribeWs(client, SUBSCRIPTION);
    try {
      const messages = webhookBody('messages', { id: 'wamid.1' });
      expect((await postWebhook(gw.webhookUrl, messages)).status).toBe(200);
      const marker = suspendItem(group(), 'group_suspend_cleared');
      expect((await postWebhook(gw.webhookUrl, webhookBody('group_status_update', marker))).status).toBe(200);
      const [first] = await subscriber.waitForResults(1);
      expect(first?.data?.groupEvents.__typename).toBe('GroupSuspensionCleared');
    } finally {
      await client.dispose();
    }
  });

  it('refuses every POST with 503 when no app secret is configured, and says why at start-up', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', destination: { write: (line: string) => void lines.push(line) } });
    const bare = await startEventsGateway({ noAppSecret: true, logger });
    try {
      const body = webhookBody('group_status_update', suspendItem(group()));
      expect((await postWebhook(bare.webhookUrl, body)).status).toBe(503);
      expect(lines.join('\n')).toContain('WHATSAPP_APP_SECRET is not set');
    } finally {
      await bare.close();
    }
  });
});
