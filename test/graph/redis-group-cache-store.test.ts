/**
 * The Redis group cache store against a real redis-server: Redis is a store, not an authority
 * (whatever is read back is checked), a read in flight while the group changes cannot put its
 * older answer back, and an invalidation that could not be made is made before records are served again.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisGroupCacheStore } from '../../src/graph/redis-group-cache-store.js';
import { serializeRecord, type GroupRecord } from '../../src/graph/group-record.js';
import { createLogger } from '../../src/logger.js';
import { startRedis, type RedisServer } from '../events/redis-server.js';

const TTL_MS = 60_000;
const FINGERPRINT = 'fingerprint-of-a-token';

let redis: RedisServer;
let store: RedisGroupCacheStore;
let client: Redis;

beforeAll(async () => {
  redis = await startRedis();
  store = new RedisGroupCacheStore(redis.url, TTL_MS, createLogger({ level: 'silent' }));
  client = new Redis(redis.url);
  client.on('error', () => undefined);
  for (let waited = 0; store.unavailableReason() !== undefined; waited += 50) {
    if (waited > 10_000) throw new Error('the store did not reach Redis');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
});

afterAll(async () => {
  client?.disconnect();
  await store?.close();
  await redis?.stop();
});

function record(groupId: string, subject: string, at = Date.now()): GroupRecord {
  return { at, fields: ['id', 'subject'], node: { id: groupId, subject } };
}

async function readRecord(groupId: string): Promise<GroupRecord | undefined> {
  return (await store.read(FINGERPRINT, [groupId]))?.get(groupId)?.record;
}

describe('RedisGroupCacheStore', () => {
  it('stores a record and reads it back for the same fingerprint only', async () => {
    const slot = (await store.read(FINGERPRINT, ['g-roundtrip']))!.get('g-roundtrip')!;
    await store.write(FINGERPRINT, [{ groupId: 'g-roundtrip', generation: slot.generation, record: record('g-roundtrip', 'kept') }]);
    expect((await readRecord('g-roundtrip'))?.node).toEqual({ id: 'g-roundtrip', subject: 'kept' });
    expect((await store.read('another-fingerprint', ['g-roundtrip']))!.get('g-roundtrip')!.record).toBeUndefined();
  });

  it('treats anything malformed, of another group or past the TTL as absent', async () => {
    const key = 'whatsapp:group-cache:records:g-bad';
    const cases = [
      'not json',
      '[]',
      JSON.stringify({ ...record('g-bad', 'x'), at: 'yesterday' }),
      serializeRecord(record('g-other', 'someone else')),
      serializeRecord(record('g-bad', 'too old', Date.now() - TTL_MS - 1)),
      JSON.stringify({ ...record('g-bad', 'x'), fields: 'id,subject' }),
      JSON.stringify({ ...record('g-bad', 'x'), inviteLink: { invite_link: 42 } }),
      JSON.stringify({ ...record('g-bad', 'x'), joinRequests: { '25': { data: 'none' } } }),
    ];
    for (const value of cases) {
      await client.hset(key, FINGERPRINT, value);
      expect(await readRecord('g-bad'), value).toBeUndefined();
    }
    await client.hset(key, FINGERPRINT, serializeRecord(record('g-bad', 'fine')));
    expect((await readRecord('g-bad'))?.node?.subject).toBe('fine');
  });

  it('an answer read before an invalidation is not stored after it', async () => {
    const before = (await store.read(FINGERPRINT, ['g-race']))!.get('g-race')!;
    await store.invalidate(['g-race']);
    await store.write(FINGERPRINT, [{ groupId: 'g-race', generation: before.generation, record: record('g-race', 'old answer') }]);
    expect(await readRecord('g-race')).toBeUndefined();
    expect(await client.exists('whatsapp:group-cache:records:g-race')).toBe(0);
  });

  it('an invalidation made while Redis was down is made when it is back, before records are served', async () => {
    const slot = (await store.read(FINGERPRINT, ['g-outage']))!.get('g-outage')!;
    await store.write(FINGERPRINT, [{ groupId: 'g-outage', generation: slot.generation, record: record('g-outage', 'before') }]);
    await redis.stop();
    await expect.poll(() => store.unavailableReason(), { timeout: 10_000 }).toBeDefined();
    await expect(store.invalidate(['g-outage'])).rejects.toThrow();
    expect(await store.read(FINGERPRINT, ['g-outage'])).toBeUndefined();
    await redis.start();
    // A stale record the restarted Redis still holds (as one with persistence would).
    const fresh = new Redis(redis.url);
    await fresh.hset('whatsapp:group-cache:records:g-outage', FINGERPRINT, serializeRecord(record('g-outage', 'stale')));
    fresh.disconnect();
    await expect.poll(() => store.unavailableReason(), { timeout: 20_000 }).toBeUndefined();
    expect(await readRecord('g-outage')).toBeUndefined();
  }, 40_000);
});
