import { afterAll, beforeAll, expect, it } from 'vitest';
import { subscribeSse } from './sse.js';
import { ALL_GROUPS_TOKEN, startEventsGateway, subscribeWs, suspendItem, wsClient, type EventsGateway } from './support.js';

let gw: EventsGateway;
beforeAll(async () => (gw = await startEventsGateway()));
afterAll(async () => gw?.close());

/** ~100 aliases of the group id: large events, so the stalled client's socket buffers fill after a few thousand. */
const WIDE = `subscription { groupEvents { eventId ${Array.from({ length: 100 }, (_, i) => `g${i}: groupId`).join(' ')} } }`;

it('a subscriber that stops reading is disconnected with SLOW_SUBSCRIBER while a fast one receives every event', async () => {
  const group = gw.sandbox.demoGroupIds[0]!;
  const slow = await subscribeSse(gw.origin, WIDE, ALL_GROUPS_TOKEN);
  slow.response.pause(); // stops reading: the socket fills, then its server-side queue
  const fastClient = wsClient(gw.origin, ALL_GROUPS_TOKEN);
  const fast = await subscribeWs(fastClient, `subscription { groupEvents { eventId } }`);
  await waitFor(() => gw.gateway.events.subscriberCount === 2);

  let published = 0;
  // In rounds the fast subscriber keeps up with; until the slow one has been dropped.
  while (gw.gateway.events.subscriberCount === 2 && published < 60_000) {
    const changes = Array.from({ length: 250 }, () => ({ field: 'group_status_update' as const, phoneNumberId: '15550100199', item: suspendItem(group) }));
    await gw.gateway.events.receive(changes);
    published += changes.length;
    await fast.waitForResults(published, 30_000);
  }
  expect(gw.gateway.events.subscriberCount).toBe(1);

  // The fast subscriber got every event, in order, none missing.
  const ids = fast.results.map((r) => r.data?.groupEvents.eventId as string);
  expect(ids).toHaveLength(published);
  expect(new Set(ids).size).toBe(published);

  // Reading again, the slow one finds what was buffered, then the error, then the end of the stream.
  slow.response.resume();
  await slow.ended;
  expect(slow.completed()).toBe(true);
  const errors = slow.nexts().flatMap((r) => r.errors ?? []);
  expect(errors.map((e) => e.extensions?.code)).toEqual(['SLOW_SUBSCRIBER']);
  expect(errors[0]?.message).toMatch(/Subscribe again with `after`/);
  expect(slow.nexts().filter((r) => r.data).length).toBeLessThan(published);
  await fastClient.dispose();
}, 120_000);

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
