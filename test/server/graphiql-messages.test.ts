/** A newcomer's walk through GraphiQL's message tabs: watch, send, pin, invite, with the demo token. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { graphiqlForSandbox, walkthroughSteps } from '../../src/sandbox-graphiql.js';
import { startEventsGateway, type EventsGateway } from '../events/support.js';
import { subscribeSse } from '../events/sse.js';

let gw: EventsGateway;
beforeAll(async () => (gw = await startEventsGateway()));
afterAll(async () => gw?.close());

/** One GraphiQL tab: its document (one operation), headers and variables. */
function tab(name: string): { query: string; headers: Record<string, string>; variables: Record<string, unknown> } {
  const index = walkthroughSteps(gw.sandbox).findIndex((step) => step.name === name);
  const { query, headers, variables } = graphiqlForSandbox(gw.sandbox).defaultTabs[index]!;
  return { query, headers: JSON.parse(headers!) as Record<string, string>, variables: JSON.parse(variables!) as Record<string, unknown> };
}

/** Runs a tab as its ▶ does, with `variables` typed over the tab's own. */
async function run(name: string, variables: Record<string, unknown> = {}): Promise<{ data?: Record<string, any>; errors?: unknown[] }> {
  const { query, headers, variables: own } = tab(name);
  const response = await fetch(`${gw.origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables: { ...own, ...variables } }),
  });
  return (await response.json()) as never;
}

it('WatchMessages, then SendMessage: the statuses arrive live; PinMessage pins it; InviteByLink sends one invite and shows one failure', async () => {
  const watching = tab('WatchMessages');
  const token = watching.headers.Authorization!.replace(/^Bearer /, '');
  // GraphiQL runs subscriptions over SSE.
  const watch = await subscribeSse(gw.origin, watching.query, token, watching.variables, 'WatchMessages');
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
