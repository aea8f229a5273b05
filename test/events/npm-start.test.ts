/**
 * End to end on `npm start` (src/main.ts with its in-process sandbox, which sends its webhooks to the
 * gateway): a group created upstream shows up as GroupCreated on a subscription opened before.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../../support/processes.js';
import { subscribeWs, wsClient } from './support.js';

let proc: GatewayProcess;
let origin: string;
let sandbox: string;
let token: string;
let phoneNumberId: string;

beforeAll(async () => {
  proc = startGatewayProcess({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' });
  [, origin] = (await proc.waitFor(/GraphiQL:\s+(http:\/\/[^/\s]+)/, 60_000)) as unknown as [string, string];
  [, sandbox] = (await proc.waitFor(/Sandbox:\s+(http:\S+)/)) as unknown as [string, string];
  [, token] = (await proc.waitFor(/Demo token:\s+(\S+)/)) as unknown as [string, string];
  [, phoneNumberId] = (await proc.waitFor(/Demo phone number:\s+(\d+)/)) as unknown as [string, string];
  origin = origin.replace('localhost', '127.0.0.1');
}, 90_000);
afterAll(async () => proc?.stop());

const CREATED = `subscription($phone: ID) { groupEvents(phoneNumberId: $phone) {
  __typename eventId requestId groupId ... on GroupCreated { subject inviteLink group { id subject } } } }`;

it('a group created through the sandbox\'s Graph endpoint arrives as GroupCreated with its invite link and group', async () => {
  const client = wsClient(origin, token);
  const subscriber = await subscribeWs(client, CREATED, { phone: phoneNumberId });
  const created = await fetch(`${sandbox}/v23.0/${phoneNumberId}/groups`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ messaging_product: 'whatsapp', subject: 'Created end to end' }),
  }).then((r) => r.json() as Promise<{ request_id: string }>);
  const [event] = await subscriber.waitForResults(1, 20_000);
  expect(event?.data?.groupEvents).toMatchObject({
    __typename: 'GroupCreated',
    requestId: created.request_id,
    subject: 'Created end to end',
    inviteLink: expect.stringMatching(/^https:\/\/chat\.whatsapp\.com\/\S+$/),
    group: { id: event?.data?.groupEvents.groupId, subject: 'Created end to end' },
  });
  await client.dispose();
});

it('createGroup, then GroupCreated with inviteLink and group { id } on a subscription started before it', async () => {
  const client = wsClient(origin, token);
  const subscriber = await subscribeWs(client, CREATED, { phone: phoneNumberId });
  const response = await fetch(`${origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      query: `mutation($input: CreateGroupInput!) { createGroup(input: $input) { requestId } }`,
      variables: { input: { phoneNumberId, subject: 'Created by mutation' } },
    }),
  }).then((r) => r.json() as Promise<{ data?: { createGroup: { requestId: string } }; errors?: unknown[] }>);
  expect(response.errors).toBeUndefined();
  const [event] = await subscriber.waitForResults(1, 20_000);
  expect(event?.data?.groupEvents).toMatchObject({
    __typename: 'GroupCreated',
    requestId: response.data?.createGroup.requestId,
    inviteLink: expect.stringMatching(/^https:\/\//),
    group: { id: event?.data?.groupEvents.groupId },
  });
  await client.dispose();
});
