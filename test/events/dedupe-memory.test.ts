/** Without Redis, dedupe keys live WEBHOOK_MAX_AGE_S but at most WEBHOOK_DEDUPE_MAX_KEYS of them are kept (issue 18.5). */
import { afterEach, expect, it } from 'vitest';
import { GroupEvents } from '../../src/events/group-events.js';
import { createLogger } from '../../src/logger.js';
import { nowStamp } from './support.js';

let events: GroupEvents | undefined;
afterEach(async () => events?.close());

const change = (groupId: string) => ({ field: 'group_status_update' as const, phoneNumberId: '15550100199', item: { timestamp: nowStamp(), group_id: groupId, type: 'group_suspend' } });

it('keeps at most WEBHOOK_DEDUPE_MAX_KEYS keys, forgetting the oldest first', async () => {
  events = new GroupEvents({ redisUrl: undefined, retention: 100, logger: createLogger({ level: 'silent' }), dedupeMaxKeys: 2 });
  const [a, b, c] = [change('G-A'), change('G-B'), change('G-C')];
  expect(await events.receive([a, a])).toMatchObject({ duplicates: 1 });
  await events.receive([b]);
  // Still two keys: A is remembered.
  expect(await events.receive([a])).toMatchObject({ published: [], duplicates: 1 });
  await events.receive([c]);
  // A third key pushed out the oldest (A): the memory stays bounded, at the price of a possible repeat.
  expect((await events.receive([a])).published).toHaveLength(1);
  expect(await events.receive([c])).toMatchObject({ published: [], duplicates: 1 });
});

it('drops an item stamped more than WEBHOOK_MAX_AGE_S ago without keeping a key for it', async () => {
  events = new GroupEvents({ redisUrl: undefined, retention: 100, logger: createLogger({ level: 'silent' }), maxAgeSeconds: 60 });
  const old = { ...change('G-OLD'), item: { timestamp: nowStamp(-61), group_id: 'G-OLD', type: 'group_suspend' } };
  expect(await events.receive([old])).toEqual({ published: [], duplicates: 0, tooOld: 1 });
  const fresh = { ...change('G-NEW'), item: { timestamp: nowStamp(-59), group_id: 'G-NEW', type: 'group_suspend' } };
  expect((await events.receive([fresh])).published).toHaveLength(1);
});
