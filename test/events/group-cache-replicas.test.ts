/**
 * The group cache shared by two gateway processes on one real Redis (GROUP_CACHE_TTL_MS and
 * REDIS_URL): reads over real HTTP, upstream traffic as exact lists from the sandbox's request log,
 * invalidation by signed webhooks and by writes on either replica, what Redis holds, and an outage.
 * The sandbox sends no webhooks here: each invalidation comes from the path under test.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { startRedis, type RedisServer } from '../../support/redis-server.js';
import { startReplica, waitUntilReady, type Replica } from './replica.js';
import { APP_SECRET, postWebhook, webhookBody } from './support.js';

const TENANT = 'group-cache-tenant-token-0123456789';
const OTHER = 'group-cache-other-token-9876543210';
const NARROW = 'group-cache-narrow-token-5555555555';
const TTL_MS = 300_000;

let redis: RedisServer;
let sandbox: Sandbox;
let a: Replica;
let b: Replica;
let groups: string[];
let sequence = 0;
/** Items are stamped recently (older than WEBHOOK_MAX_AGE_S they are dropped), one second apart, going back. */
const stampBase = Math.floor(Date.now() / 1000);

beforeAll(async () => {
  redis = await startRedis();
  sandbox = await startSandbox({ seedDemo: false });
  groups = Array.from({ length: 12 }, (_, i) =>
    sandbox.groups.seedGroup({ subject: `replicated ${i}`, participants: 3, joinRequests: 2, joinApprovalMode: 'approval_required' }).id,
  );
  sandbox.tokens.addToken(TENANT, { groups: '*' });
  sandbox.tokens.addToken(OTHER, { groups: '*' });
  sandbox.tokens.addToken(NARROW, { groups: [groups[11]!] });
  const env = { GRAPH_API_URL: sandbox.url, REDIS_URL: redis.url, GROUP_CACHE_TTL_MS: String(TTL_MS) };
  [a, b] = await Promise.all([startReplica(env), startReplica(env)]);
  await Promise.all([waitUntilReady(a.origin), waitUntilReady(b.origin)]);
  await Promise.all([cacheServing(a), cacheServing(b)]);
}, 120_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await sandbox?.close();
  await redis?.stop();
});

interface Answer {
  data?: any;
  errors?: { message: string; extensions?: { code?: string } }[];
  cacheControl: string | null;
}

async function gql(replica: Replica, query: string, token = TENANT): Promise<Answer> {
  const response = await fetch(`${replica.origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  return { ...((await response.json()) as object), cacheControl: response.headers.get('cache-control') };
}

/** What went upstream since the last call, one line per request. */
function traffic(): string[] {
  const lines = sandbox.requests.map((r) => `${r.method} ${r.kind} ${r.ids.join(',')}${r.fields ? ` fields=${[...r.fields].sort().join(',')}` : ''}`);
  sandbox.clearRequests();
  return lines;
}

function settingsItem(groupId: string, subject: string): Record<string, unknown> {
  return { timestamp: String(stampBase - ++sequence), group_id: groupId, type: 'group_settings_update', group_subject: { text: subject, update_successful: true } };
}

/** `/ready` says nothing about the group cache: its Redis is reachable and nothing waits. */
async function cacheServing(replica: Replica, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${replica.origin}/ready`).catch(() => undefined);
    const text = (await response?.text()) ?? '';
    if (response?.status === 200 && !text.includes('group-cache')) return;
    if (Date.now() > deadline) throw new Error(`${replica.origin}/ready: ${response?.status} ${text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function metric(replica: Replica, name: string): Promise<string[]> {
  const text = await fetch(`${replica.origin}/metrics`).then((r) => r.text());
  return text.split('\n').filter((line) => line.startsWith(name));
}

describe('group cache on two replicas and one Redis', () => {
  it('a read on replica 1 and then on replica 2 within the TTL costs one upstream call', async () => {
    const id = groups[0]!;
    traffic();
    const first = await gql(a, `{ group(id: "${id}") { subject participants { waId } } }`);
    const second = await gql(b, `{ group(id: "${id}") { subject participants { waId } } }`);
    expect(first.data.group.subject).toBe('replicated 0');
    expect(second.data).toEqual(first.data);
    expect(traffic()).toEqual([`GET read ${id} fields=id,participants,subject`]);
  });

  for (const [to, then] of [['a', 'b'], ['b', 'a']] as const) {
    it(`after a signed group_settings_update webhook to replica ${to}, the next read on replica ${then} goes upstream and returns the new subject`, async () => {
      const id = groups[1]!;
      const replicas = { a: () => a, b: () => b };
      await gql(a, `{ group(id: "${id}") { subject } }`);
      await gql(b, `{ group(id: "${id}") { subject } }`);
      traffic();
      const subject = `renamed by webhook to ${to}`;
      sandbox.groups.update(id, { subject });
      // Still the cached subject: nothing told the gateway yet.
      expect((await gql(replicas[then](), `{ group(id: "${id}") { subject } }`)).data.group.subject).not.toBe(subject);
      expect((await postWebhook(replicas[to]().webhookUrl, webhookBody('group_settings_update', settingsItem(id, subject)))).status).toBe(200);
      const after = await gql(replicas[then](), `{ group(id: "${id}") { subject } }`);
      expect(after.data.group.subject).toBe(subject);
      expect(traffic()).toEqual([`GET read ${id} fields=id,subject`]);
    });
  }

  it("a second token's read of the same group makes its own upstream call", async () => {
    const id = groups[2]!;
    await gql(a, `{ group(id: "${id}") { subject } }`);
    traffic();
    const other = await gql(b, `{ group(id: "${id}") { subject } }`, OTHER);
    expect(other.data.group.subject).toBe('replicated 2');
    expect(traffic()).toEqual([`GET read ${id} fields=id,subject`]);
  });

  it('a token without access gets NOT_FOUND while the group is cached for another', async () => {
    const id = groups[3]!;
    await gql(a, `{ group(id: "${id}") { subject inviteLink } }`);
    traffic();
    const narrow = await gql(b, `{ group(id: "${id}") { subject } }`, NARROW);
    expect(narrow.data).toEqual({ group: null });
    expect(narrow.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const link = await gql(a, `{ group(id: "${id}") { inviteLink } }`, NARROW);
    expect(link.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(traffic()).toEqual([`GET read ${id} fields=id,subject`, `GET invite_link ${id}`]);
  });

  it("a mutation through replica 2 invalidates replica 1's view", async () => {
    const id = groups[4]!;
    await gql(a, `{ group(id: "${id}") { subject description } }`);
    const update = await gql(b, `mutation { updateGroup(input: { id: "${id}", description: "changed through b" }) { success } }`);
    expect(update.errors).toBeUndefined();
    traffic();
    const after = await gql(a, `{ group(id: "${id}") { subject description } }`);
    expect(after.data.group).toEqual({ subject: 'replicated 4', description: 'changed through b' });
    expect(traffic()).toEqual([`GET read ${id} fields=description,id,subject`]);
  });

  it('a partly cached operation sends one request for what is missing', async () => {
    const five = groups.slice(5, 10);
    await gql(b, `{ ${five.slice(0, 3).map((id, i) => `g${i}: group(id: "${id}") { subject }`).join(' ')} }`);
    traffic();
    const all = await gql(a, `{ ${five.map((id, i) => `g${i}: group(id: "${id}") { subject }`).join(' ')} }`);
    expect(Object.values(all.data).map((group: any) => group.subject)).toEqual(['replicated 5', 'replicated 6', 'replicated 7', 'replicated 8', 'replicated 9']);
    expect(traffic()).toEqual([`POST batch ${five[3]},${five[4]} fields=id,subject`]);
  });

  it('a participants webhook drops participants and counts; a join request webhook drops the join requests page', async () => {
    const id = groups[10]!;
    const query = `{ group(id: "${id}") { totalParticipantCount participants { waId } joinRequests { edges { node { id } } } } }`;
    const before = await gql(a, query);
    expect(before.data.group.totalParticipantCount).toBe(3);
    const stored = sandbox.groups.get(id)!;
    sandbox.groups.update(id, { participants: stored.participants.slice(1) });
    const left = { timestamp: String(stampBase - ++sequence), group_id: id, type: 'group_participants_remove', removed_participants: [{ wa_id: '1' }], initiated_by: 'participant' };
    expect((await postWebhook(b.webhookUrl, webhookBody('group_participants_update', left))).status).toBe(200);
    traffic();
    const afterLeave = await gql(a, `{ group(id: "${id}") { totalParticipantCount participants { waId } } }`);
    expect(afterLeave.data.group.totalParticipantCount).toBe(2);
    expect(afterLeave.data.group.participants).toHaveLength(2);
    expect(traffic()).toEqual([`GET read ${id} fields=id,participants,total_participant_count`]);

    const group = sandbox.groups.get(id)!;
    const request = sandbox.groups.newJoinRequest(group, { waId: '4915700000001' });
    sandbox.groups.update(id, { joinRequests: [...group.joinRequests, request] });
    const created = { timestamp: String(stampBase - ++sequence), group_id: id, type: 'group_join_request_created', join_request_id: request.id, wa_id: '4915700000001' };
    expect((await postWebhook(b.webhookUrl, webhookBody('group_participants_update', created))).status).toBe(200);
    const afterRequest = await gql(a, `{ group(id: "${id}") { joinRequests { edges { node { id } } } } }`);
    expect(afterRequest.data.group.joinRequests.edges.map((e: any) => e.node.id)).toContain(request.id);
    expect(traffic()).toEqual([`GET join_requests ${id}`]);
  });

  it('a deleted group leaves nothing behind in Redis', async () => {
    const id = groups[9]!;
    await gql(a, `{ group(id: "${id}") { subject inviteLink } }`, OTHER);
    const client = new Redis(redis.url);
    try {
      expect(await client.exists(`whatsapp:group-cache:records:${id}`)).toBe(1);
      expect((await gql(b, `mutation { deleteGroup(input: { id: "${id}" }) { success } }`)).errors).toBeUndefined();
      expect(await client.exists(`whatsapp:group-cache:records:${id}`)).toBe(0);
      expect((await gql(a, `{ group(id: "${id}") { subject } }`, OTHER)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    } finally {
      client.disconnect();
    }
  });

  it('no token or secret in any Redis key or value', async () => {
    const client = new Redis(redis.url);
    try {
      const keys = await client.keys('*');
      expect(keys.some((key) => key.startsWith('whatsapp:group-cache:records:'))).toBe(true);
      const contents: string[] = [...keys];
      for (const key of keys) {
        const type = await client.type(key);
        if (type === 'string') contents.push((await client.get(key)) ?? '');
        if (type === 'hash') contents.push(...Object.entries(await client.hgetall(key)).flat());
        if (type === 'stream') contents.push(JSON.stringify(await client.xrange(key, '-', '+')));
        if (type === 'set') contents.push(...(await client.smembers(key)));
      }
      const everything = contents.join('\n');
      for (const secret of [TENANT, OTHER, NARROW, APP_SECRET]) expect(everything).not.toContain(secret);
    } finally {
      client.disconnect();
    }
  });

  it('responses carry Cache-Control: private, no-store', async () => {
    expect((await gql(a, `{ group(id: "${groups[0]}") { subject } }`)).cacheControl).toBe('private, no-store');
    expect((await gql(b, `mutation { updateGroup(input: { id: "${groups[0]}", description: "x" }) { success } }`)).cacheControl).toBe('private, no-store');
  });

  it('Redis stopped: reads are still correct (upstream), /ready and a metric say so; caching resumes when it is back', async () => {
    const id = groups[11]!;
    await gql(a, `{ group(id: "${id}") { subject } }`);
    await redis.stop();
    try {
      // Reads never wait for Redis: the first after the drop may still find the connection open and fail over.
      await expect.poll(async () => (await fetch(`${a.origin}/ready`).then((r) => r.text())).includes('group-cache'), { timeout: 20_000 }).toBe(true);
      const ready = await fetch(`${a.origin}/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ ready: true, degraded: ['group-cache'] });
      expect(await metric(a, 'group_cache_available')).toContain('group_cache_available 0');
      sandbox.groups.update(id, { subject: 'changed during the outage' });
      traffic();
      const onA = await gql(a, `{ group(id: "${id}") { subject } }`);
      const again = await gql(a, `{ group(id: "${id}") { subject } }`);
      expect([onA.data.group.subject, again.data.group.subject]).toEqual(['changed during the outage', 'changed during the outage']);
      expect(traffic()).toEqual([`GET read ${id} fields=id,subject`, `GET read ${id} fields=id,subject`]);
      expect((await metric(a, 'group_cache_reads_total{outcome="bypass"}'))[0]).toMatch(/ [1-9]\d*$/);
      // A webhook that cannot invalidate is not acknowledged: Meta sends it again.
      expect((await postWebhook(b.webhookUrl, webhookBody('group_settings_update', settingsItem(id, 'x')))).status).toBe(503);
    } finally {
      await redis.start();
    }
    await Promise.all([cacheServing(a), cacheServing(b)]).catch((error: Error) => {
      throw new Error(`${error.message}\n--- replica b:\n${b.process.output().slice(-3000)}`);
    });
    expect(await metric(a, 'group_cache_available')).toContain('group_cache_available 1');
    traffic();
    await gql(a, `{ group(id: "${id}") { subject } }`);
    const cached = await gql(b, `{ group(id: "${id}") { subject } }`);
    expect(cached.data.group.subject).toBe('changed during the outage');
    expect(traffic()).toEqual([`GET read ${id} fields=id,subject`]);
  }, 90_000);
});
