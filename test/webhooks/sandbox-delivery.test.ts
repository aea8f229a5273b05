/** The sandbox sends the webhooks of its own effects as Meta does: enveloped, escaped, signed, delayed, retried. */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookDelivery } from '../../src/sandbox/index.js';
import { ALL_GROUPS_TOKEN, APP_SECRET, EVENT_FIELDS, nowStamp, signatureOf, startEventsGateway, subscribeWs, wsClient, type EventsGateway } from '../events/support.js';

describe('WebhookDelivery', () => {
  it('POSTs Meta\'s envelope, non-ASCII escaped, signed over the exact bytes, and retries until 200', async () => {
    const received: { body: string; signature: string | undefined }[] = [];
    const server = createServer(async (req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      received.push({ body: Buffer.concat(chunks).toString('latin1'), signature: req.headers['x-hub-signature-256'] as string | undefined });
      res.writeHead(received.length < 3 ? 500 : 200).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const delivery = new WebhookDelivery({ appSecret: APP_SECRET, delayMs: 10, target: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` });
    try {
      delivery.notify('group_settings_update', '15550100199', { group_id: 'G1', type: 'group_settings_update', group_subject: { text: 'Grüße', update_successful: true } });
      await delivery.idle();
      expect(received).toHaveLength(3);
      expect(new Set(received.map((r) => r.body)).size).toBe(1);
      const { body, signature } = received[2]!;
      expect(signature).toBe(signatureOf(Buffer.from(body, 'latin1')));
      expect(body).toContain('Gr\\u00fc\\u00dfe');
      expect(JSON.parse(body)).toEqual({
        object: 'whatsapp_business_account',
        entry: [{
          id: expect.any(String),
          changes: [{
            field: 'group_settings_update',
            value: { messaging_product: 'whatsapp', metadata: { display_phone_number: expect.any(String), phone_number_id: '15550100199' }, groups: [{ group_id: 'G1', type: 'group_settings_update', group_subject: { text: 'Grüße', update_successful: true } }] },
          }],
        }],
      });
    } finally {
      delivery.close();
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('the sandbox\'s effects reach subscribers through the gateway', () => {
  let gw: EventsGateway;
  beforeAll(async () => (gw = await startEventsGateway()));
  afterAll(async () => gw?.close());

  it('updateGroup → GroupSettingsUpdated, deleteGroup → GroupDeleted (group null), each with the sandbox\'s request id', async () => {
    const id = gw.sandbox.groups.seedGroup({ subject: 'Before' }).id;
    const client = wsClient(gw.origin, ALL_GROUPS_TOKEN);
    const subscriber = await subscribeWs(
      client,
      `subscription($id: ID) { groupEvents(groupId: $id) { ${EVENT_FIELDS} group { subject }
        ... on GroupSettingsUpdated { subjectChange: subject { text updateSuccessful } descriptionChange: description { text updateSuccessful } } } }`,
      { id },
    );
    const updated = await gw.query(`mutation($id: ID!) { updateGroup(input: { id: $id, subject: "After", description: "" }) { success } }`, { id });
    expect(updated.data?.updateGroup.success).toBe(true);
    const [settings] = await subscriber.waitForResults(1);
    expect(settings?.data?.groupEvents).toMatchObject({
      __typename: 'GroupSettingsUpdated',
      groupId: id,
      requestId: expect.stringMatching(/^[0-9A-F]{32}$/),
      subjectChange: { text: 'After', updateSuccessful: true },
      descriptionChange: { text: '', updateSuccessful: true },
      group: { subject: 'After' },
    });

    const deleted = await gw.query(`mutation($id: ID!) { deleteGroup(input: { id: $id }) { success } }`, { id });
    expect(deleted.data?.deleteGroup.success).toBe(true);
    const [, gone] = await subscriber.waitForResults(2);
    expect(gone?.data?.groupEvents).toMatchObject({ __typename: 'GroupDeleted', groupId: id, group: null, errors: [] });
    await client.dispose();
  });

  it('POST /__sandbox/webhooks makes the sandbox emit any item', async () => {
    const [group] = gw.sandbox.demoGroupIds as [string];
    const client = wsClient(gw.origin, ALL_GROUPS_TOKEN);
    const subscriber = await subscribeWs(client, `subscription { groupEvents { ${EVENT_FIELDS} ... on GroupParticipantsAdded { participants { waId } reason } } }`);
    const response = await fetch(`${gw.sandbox.url}/__sandbox/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ field: 'group_participants_update', item: { timestamp: nowStamp(), group_id: group, type: 'group_participants_add', reason: 'invite_link', added_participants: [{ wa_id: '16505551234' }] } }),
    });
    expect(response.status).toBe(202);
    const [event] = await subscriber.waitForResults(1);
    expect(event?.data?.groupEvents).toMatchObject({ __typename: 'GroupParticipantsAdded', groupId: group, phoneNumberId: gw.sandbox.demoPhoneNumberId, reason: 'invite_link', participants: [{ waId: '16505551234' }] });
    await client.dispose();
  });
});
