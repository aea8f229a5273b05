/**
 * Throttle memory across replicas (issue 19 item 5): two gateway processes on one real Redis and
 * the sandbox. A throttle replica A meets closes its scope on replica B too: B answers
 * RATE_LIMITED with the remaining wait and sends nothing upstream, while other tokens, phone
 * numbers, recipients and groups are still served.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { startRedis, type RedisServer } from '../../support/redis-server.js';
import { key, scrape } from '../operations/prometheus-text.js';
import { startReplica, waitUntilReady, type Replica } from '../events/replica.js';

const APP_TOKEN = 'throttle-app-token-0123456789';
const OTHER_TOKEN = 'throttle-other-token-0123456789';
const PHONE_TOKEN = 'throttle-phone-token-0123456789';
const GROUP_TOKEN = 'throttle-group-token-0123456789';
const PAIR_TOKEN = 'throttle-pair-token-0123456789';
const TOKENS = [APP_TOKEN, OTHER_TOKEN, PHONE_TOKEN, GROUP_TOKEN, PAIR_TOKEN];
const PHONE_ONE = '100000000000301';
const PHONE_TWO = '100000000000302';

let redis: RedisServer;
let sandbox: Sandbox;
let a: Replica;
let b: Replica;
let groups: string[];

beforeAll(async () => {
  redis = await startRedis();
  sandbox = await startSandbox();
  sandbox.groups.addPhoneNumber({ id: PHONE_ONE });
  sandbox.groups.addPhoneNumber({ id: PHONE_TWO });
  groups = [
    sandbox.groups.seedGroup({ subject: 'first', phoneNumberId: PHONE_ONE }).id,
    sandbox.groups.seedGroup({ subject: 'second', phoneNumberId: PHONE_TWO }).id,
    sandbox.groups.seedGroup({ subject: 'third', phoneNumberId: PHONE_TWO }).id,
  ];
  for (const token of TOKENS) sandbox.tokens.addToken(token, { groups: '*', phoneNumbers: [PHONE_ONE, PHONE_TWO] });
  const env = { GRAPH_API_URL: sandbox.url, REDIS_URL: redis.url };
  [a, b] = await Promise.all([startReplica(env), startReplica(env)]);
  await Promise.all([waitUntilReady(a.origin), waitUntilReady(b.origin)]);
}, 120_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await sandbox?.close();
  await redis?.stop();
});

beforeEach(() => {
  sandbox.faults.clear();
  sandbox.clearRequests();
});

interface Answer {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string; retryAfterSeconds?: number; graphApi?: { code?: number } } }[];
}

async function query(replica: Replica, token: string, document: string): Promise<Answer> {
  const response = await fetch(`${replica.origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: document }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Answer;
}

const readGroup = (replica: Replica, token: string, id: string) => query(replica, token, `{ group(id: "${id}") { id subject } }`);
const listGroups = (replica: Replica, token: string, phoneNumberId: string) =>
  query(replica, token, `{ groups(phoneNumberId: "${phoneNumberId}", first: 10) { nodes { id } } }`);

const invite = (replica: Replica, token: string, groupId: string, to: string[]) =>
  query(
    replica,
    token,
    `mutation { sendGroupInviteLink(input: { phoneNumberId: "${PHONE_ONE}", groupId: "${groupId}", to: ${JSON.stringify(to)}, template: { name: "group_invite", languageCode: "en" } }) { sent { to messageId } failed { to code message } } }`,
  );

/** What went upstream since the last call, as [method, kind, ids]. */
function upstream(): [string, string, string[]][] {
  const requests = sandbox.requests.map((r): [string, string, string[]] => [r.method, r.kind, r.ids]);
  sandbox.clearRequests();
  return requests;
}

/** The one error of a refused field: RATE_LIMITED, with a wait no longer than what the Graph API said. */
function expectRefused(answer: Answer, maxSeconds: number) {
  expect(answer.errors).toHaveLength(1);
  const extensions = answer.errors![0]!.extensions!;
  expect(extensions.code).toBe('RATE_LIMITED');
  expect(extensions.retryAfterSeconds).toBeGreaterThan(0);
  expect(extensions.retryAfterSeconds).toBeLessThanOrEqual(maxSeconds);
  // No Graph envelope: this answer did not come from the Graph API.
  expect(extensions.graphApi).toBeUndefined();
}

describe('throttling seen by one replica closes its scope on the other', () => {
  it('app (80007): every call with that token is refused on replica B with no upstream request; another token is served', async () => {
    sandbox.faults.inject({ kind: 'throttle', code: 80007, regainMinutes: 2 });
    const met = await readGroup(a, APP_TOKEN, groups[0]!);
    expect(met.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 120, graphApi: { code: 80007 } });
    expect(upstream()).toEqual([['GET', 'read', [groups[0]]]]);

    // Another group, another kind of call: the whole app is closed for this token.
    expectRefused(await readGroup(b, APP_TOKEN, groups[1]!), 120);
    expectRefused(await listGroups(b, APP_TOKEN, PHONE_TWO), 120);
    expect(upstream()).toEqual([]);

    expect((await readGroup(b, OTHER_TOKEN, groups[0]!)).data).toEqual({ group: { id: groups[0], subject: 'first' } });
    expect(upstream()).toEqual([['GET', 'read', [groups[0]]]]);
  });

  it('phone number (130429): its calls are refused on replica B; another phone number and the groups themselves are served', async () => {
    sandbox.faults.inject({ kind: 'throttle', code: 130429, regainMinutes: 5, match: { kind: 'groups' } });
    const met = await listGroups(a, PHONE_TOKEN, PHONE_ONE);
    expect(met.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 300, graphApi: { code: 130429 } });
    expect(upstream()).toEqual([['GET', 'groups', [PHONE_ONE]]]);

    expectRefused(await listGroups(b, PHONE_TOKEN, PHONE_ONE), 300);
    expect(upstream()).toEqual([]);

    expect((await listGroups(b, PHONE_TOKEN, PHONE_TWO)).data).toEqual({ groups: { nodes: expect.arrayContaining([{ id: groups[1] }, { id: groups[2] }]) } });
    expect((await readGroup(b, PHONE_TOKEN, groups[0]!)).errors).toBeUndefined();
    expect(upstream()).toEqual([
      ['GET', 'groups', [PHONE_TWO]],
      ['GET', 'read', [groups[0]]],
    ]);
  });

  it('group (131208): that group is refused on replica B, alone or inside a batched read; other groups are served', async () => {
    sandbox.faults.inject({ kind: 'throttle', code: 131208, regainMinutes: 5, match: { kind: 'read' } });
    const met = await readGroup(a, GROUP_TOKEN, groups[0]!);
    expect(met.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 300, graphApi: { code: 131208 } });
    expect(upstream()).toEqual([['GET', 'read', [groups[0]]]]);

    expectRefused(await readGroup(b, GROUP_TOKEN, groups[0]!), 300);
    expect(upstream()).toEqual([]);

    // Three groups in one operation: the throttled one is left out of the batch, the two others go in one request.
    const three = await query(b, GROUP_TOKEN, `{ ${groups.map((id, i) => `g${i}: group(id: "${id}") { id }`).join(' ')} }`);
    expect(three.data).toEqual({ g0: null, g1: { id: groups[1] }, g2: { id: groups[2] } });
    expect(three.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['g0'], 'RATE_LIMITED']]);
    expect(upstream()).toEqual([['POST', 'batch', [groups[1], groups[2]]]]);
  });

  it('business–recipient pair (131056): invites to that person are refused on replica B with no upstream request; another person and another token are served', async () => {
    const [personX, personY] = ['+16505550101', '+16505550102'];
    sandbox.faults.inject({ kind: 'throttle', code: 131056, regainMinutes: 5, match: { kind: 'messages' } });
    const met = await invite(a, PAIR_TOKEN, groups[0]!, [personX]);
    expect(met.errors).toBeUndefined();
    expect(met.data).toEqual({ sendGroupInviteLink: { sent: [], failed: [{ to: personX, code: 'RATE_LIMITED', message: expect.stringMatching(/^\(#131056\)/) }] } });
    expect(upstream()).toEqual([['POST', 'messages', [PHONE_ONE]]]);

    // X and Y on replica B: one send goes up, and it is Y's (X's would have been sent: no fault is armed any more).
    const onB = await invite(b, PAIR_TOKEN, groups[0]!, [personX, personY]);
    expect(onB.errors).toBeUndefined();
    expect(onB.data).toEqual({
      sendGroupInviteLink: {
        sent: [{ to: personY, messageId: expect.stringMatching(/^wamid\./) }],
        // The gateway's own refusal (not the Graph API's words), with what is left of the 5 minutes.
        failed: [{ to: personX, code: 'RATE_LIMITED', message: expect.stringMatching(/^The Graph API throttled this phone number and recipient \(code 131056\); the gateway does not call it again for (2\d\d|300) s$/) }],
      },
    });
    expect(upstream()).toEqual([['POST', 'messages', [PHONE_ONE]]]);

    // Another token, the same number and person: its own pair, open.
    const other = await invite(b, OTHER_TOKEN, groups[0]!, [personX]);
    expect(other.data).toEqual({ sendGroupInviteLink: { sent: [{ to: personX, messageId: expect.stringMatching(/^wamid\./) }], failed: [] } });
    expect(upstream()).toEqual([['POST', 'messages', [PHONE_ONE]]]);
  });

  it('counts the refusals by scope on the replica that refused, with no tenant label', async () => {
    const metrics = await scrape(`${b.origin}/metrics`);
    const refusals = [...metrics].filter(([series]) => series.startsWith('graph_api_throttle_refusals_total'));
    expect(Object.fromEntries(refusals)).toEqual({
      [key('graph_api_throttle_refusals_total', { scope: 'app' })]: 2,
      [key('graph_api_throttle_refusals_total', { scope: 'phone_number' })]: 1,
      [key('graph_api_throttle_refusals_total', { scope: 'pair' })]: 1,
      [key('graph_api_throttle_refusals_total', { scope: 'group' })]: 2,
    });
  });

  it('leaves no token in any Redis key or value', async () => {
    const client = new Redis(redis.url);
    try {
      const keys = await client.keys('whatsapp:throttle:*');
      // One wait and one strike count per scope closed above (app, phone number, group, pair).
      expect(keys.filter((key) => key.endsWith(':wait'))).toHaveLength(4);
      const values = await Promise.all(keys.map((key) => client.get(key)));
      const everything = [...keys, ...values].join('\n');
      for (const token of TOKENS) expect(everything).not.toContain(token);
      // A wait holds the closing code and when the wait ends, nothing else.
      const waits = values.filter((_, i) => keys[i]!.endsWith(':wait'));
      expect(waits.map((v) => v?.split(':')[0]).sort()).toEqual(['130429', '131056', '131208', '80007']);
      for (const wait of waits) expect(wait).toMatch(/^\d+:\d{13}$/);
    } finally {
      client.disconnect();
    }
  });
});
