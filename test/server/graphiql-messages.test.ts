/** A newcomer's walk through GraphiQL's default document: watch, send, pin, invite, with the demo token. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { graphiqlForSandbox } from '../../src/sandbox-graphiql.js';
import { startEventsGateway, type EventsGateway } from '../events/support.js';
import { subscribeSse } from '../events/sse.js';

let gw: EventsGateway;
beforeAll(async () => (gw = await startEventsGateway()));
afterAll(async () => gw?.close());

/** Runs one named operation of the default document as GraphiQL would: its default headers, the variables pane. */
async function run(operationName: string, variables: Record<string, unknown> = {}): Promise<{ data?: Record<string, any>; errors?: unknown[] }> {
  const defaults = graphiqlForSandbox(gw.sandbox);
  const response = await fetch(`${gw.origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(JSON.parse(defaults.defaultHeaders!) as Record<string, string>) },
    body: JSON.stringify({ query: defaults.defaultQuery, operationName, variables }),
  });
  return (await response.json()) as never;
}

it('WatchMessages, then SendMessage: the statuses arrive live; PinMessage pins it; InviteByLink sends one invite and shows one failure', async () => {
  const defaults = graphiqlForSandbox(gw.sandbox);
  const token = (JSON.parse(defaults.defaultHeaders!) as { Authorization: string }).Authorization.replace(/^Bearer /, '');
  // GraphiQL runs subscriptions over SSE.
  const watch = await subscribeSse(gw.origin, defaults.defaultQuery, token, {}, 'WatchMessages');
  await new Promise((resolve) => setTimeout(resolve, 200));

  const sent = await run('SendMessage');
  expect(sent.errors).toBeUndefined();
  const messageId = sent.data!.sendGroupMessage.messageId as string;
  await expect.poll(() => watch.nexts().map((n) => n.data?.groupEvents.status), { timeout: 20_000 }).toEqual(expect.arrayContaining(['SENT', 'DELIVERED', 'READ']));
  const first = watch.nexts()[0]!.data!.groupEvents;
  expect(first).toMatchObject({ __typename: 'GroupMessageStatusChanged', messageId, status: 'SENT', participant: null });

  const pinned = await run('PinMessage', { messageId });
  expect(pinned).toEqual({ data: { pinGroupMessage: { messageId, groupId: sent.data!.sendGroupMessage.groupId } } });

  const invited = await run('InviteByLink');
  expect(invited.errors).toBeUndefined();
  expect(invited.data!.sendGroupInviteLink).toEqual({
    sent: [{ to: '+16505551234', messageId: expect.stringMatching(/^wamid\./) }],
    failed: [{ to: '+15550000026', code: 'BAD_USER_INPUT', message: expect.stringMatching(/^\(#131026\)/) }],
  });
  watch.close();
});
