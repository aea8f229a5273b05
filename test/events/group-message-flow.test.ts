/**
 * End to end over the sandbox: a subscription opened first sees a sent message's statuses per
 * participant, then a member's message written through the sandbox's admin route; another
 * tenant's subscription sees neither.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { admin } from '../sandbox/graph-client.js';
import { seedTenant } from '../sandbox/tenants.js';
import { startEventsGateway, subscribeWs, wsClient, type EventsGateway } from './support.js';

let gw: EventsGateway;
beforeAll(async () => (gw = await startEventsGateway()));
afterAll(async () => gw?.close());

const SUBSCRIPTION = `subscription {
  groupEvents {
    __typename groupId phoneNumberId
    ... on GroupMessageReceived { messageId from { waId userId name } type text }
    ... on GroupMessageStatusChanged { messageId status participant { waId userId name } }
  }
}`;

it('statuses per participant after a send, then a member writes: the sender tenant sees both, another tenant neither', async () => {
  const owner = seedTenant(gw.sandbox, 1);
  const other = seedTenant(gw.sandbox, 1);
  const [groupId] = owner.groupIds as [string];
  const members = gw.sandbox.groups.get(groupId)!.participants;
  expect(members.length).toBeGreaterThanOrEqual(3);
  const ownerSub = await subscribeWs(wsClient(gw.origin, owner.token), SUBSCRIPTION);
  const otherSub = await subscribeWs(wsClient(gw.origin, other.token), SUBSCRIPTION);

  const sent = await gw.query(
    'mutation($input: SendGroupMessageInput!) { sendGroupMessage(input: $input) { messageId } }',
    { input: { phoneNumberId: owner.phoneNumberId, groupId, text: { body: 'Meeting at 6' } } },
    owner.token,
  );
  expect(sent.errors).toBeUndefined();
  const messageId = sent.data.sendGroupMessage.messageId as string;

  // SENT for the group, then DELIVERED and READ per member (some read without a delivered).
  const expectedStatuses = 1 + members.filter((_, i) => i % 3 !== 1).length + members.length;
  const statuses = (await ownerSub.waitForResults(expectedStatuses, 20_000)).map((r) => r.data?.groupEvents);
  const common = { __typename: 'GroupMessageStatusChanged', groupId, phoneNumberId: owner.phoneNumberId, messageId };
  const person = (p: (typeof members)[number]) => ({ waId: p.waId ?? null, userId: p.userId ?? null, name: expect.any(String) });
  expect(statuses[0]).toEqual({ ...common, status: 'SENT', participant: null });
  expect(statuses.slice(1).filter((s) => s.status === 'DELIVERED')).toEqual(members.filter((_, i) => i % 3 !== 1).map((p) => ({ ...common, status: 'DELIVERED', participant: person(p) })));
  expect(statuses.slice(1).filter((s) => s.status === 'READ')).toEqual(members.map((p) => ({ ...common, status: 'READ', participant: person(p) })));

  const writer = members[0]!;
  const wrote = await admin(gw.sandbox.url, 'users/send-message', { groupId, from: writer.waId ?? writer.userId, name: 'Ana Writer', type: 'text', text: 'On my way' });
  expect(wrote.status).toBe(200);
  const [received] = (await ownerSub.waitForResults(expectedStatuses + 1, 20_000)).slice(expectedStatuses).map((r) => r.data?.groupEvents);
  expect(received).toEqual({
    __typename: 'GroupMessageReceived', groupId, phoneNumberId: owner.phoneNumberId,
    messageId: (wrote.json as { messageId: string }).messageId,
    from: { waId: writer.waId ?? null, userId: writer.userId ?? null, name: 'Ana Writer' },
    type: 'TEXT', text: 'On my way',
  });

  // Another tenant's subscription, open the whole time, received nothing.
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(otherSub.results).toEqual([]);
  ownerSub.dispose();
  otherSub.dispose();
});
