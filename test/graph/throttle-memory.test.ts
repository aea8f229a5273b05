/**
 * The throttle memory at the client level, for what the sandbox cannot produce yet: message sends
 * (`POST /{phone-number-id}/messages`, the phone-number–recipient pair of 131056), a throttled slot
 * inside a batch, and Redis going away. Two GraphClients play two replicas on one real Redis; a
 * small node:http server plays the Graph API over real HTTP and logs what reached it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GraphClient, type GraphCredentials } from '../../src/graph/client.js';
import { GraphReader } from '../../src/graph/graph-reader.js';
import { RedisThrottleStore } from '../../src/graph/redis-throttle-store.js';
import { ThrottleMemory } from '../../src/graph/throttle-memory.js';
import type { ThrottleScope } from '../../src/graph/throttle-scopes.js';
import { createLogger } from '../../src/logger.js';
import { startRedis, type RedisServer } from '../events/redis-server.js';

const TOKEN = 'EAAthrottleMemoryToken0123456789';
const PHONE_ONE = '100000000000401';
const PHONE_TWO = '100000000000402';

/** What the fake Graph API should answer next: a throttle for one send (pair) or one batch slot (group). */
interface Script {
  /** `${phone}:${to}` → the throttle's usage header minutes (undefined: no header). */
  throttleSend: Map<string, number | undefined>;
  /** Group ids whose batch slot answers 131208. */
  throttleSlot: Set<string>;
}

let redis: RedisServer;
let server: Server;
let origin: string;
let log: string[] = [];
const script: Script = { throttleSend: new Map(), throttleSlot: new Set() };

function envelope(code: number, message: string) {
  return { error: { message: `(#${code}) ${message}`, type: 'OAuthException', code, fbtrace_id: 'Atrace' } };
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  const path = (req.url ?? '').split('?')[0]!;
  const reply = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  const send = /^\/v23\.0\/(\d+)\/messages$/.exec(path);
  if (req.method === 'POST' && send) {
    const to = String((JSON.parse(text) as { to?: unknown }).to);
    log.push(`send ${send[1]} → ${to}`);
    const pair = `${send[1]}:${to}`;
    if (script.throttleSend.has(pair)) {
      const minutes = script.throttleSend.get(pair);
      script.throttleSend.delete(pair);
      const usage: Record<string, string> = minutes === undefined ? {} : { 'x-business-use-case-usage': JSON.stringify({ '1': [{ type: 'whatsapp', estimated_time_to_regain_access: minutes }] }) };
      return void reply(400, envelope(131056, '(Business Account, Consumer Account) pair rate limit hit'), usage);
    }
    return void reply(200, { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id: `wamid.${log.length}` }] });
  }
  if (req.method === 'POST' && path === '/v23.0/') {
    const batch = JSON.parse(new URLSearchParams(text).get('batch') ?? '[]') as { relative_url: string }[];
    const ids = batch.map((op) => op.relative_url.split('?')[0]!.split('/')[1]!);
    log.push(`batch ${ids.join(',')}`);
    return void reply(
      200,
      ids.map((id) => (script.throttleSlot.delete(id) ? { code: 429, body: JSON.stringify(envelope(131208, 'Group rate limit hit')) } : { code: 200, body: JSON.stringify({ id }) })),
    );
  }
  const read = /^\/v23\.0\/([A-Za-z0-9_-]+)$/.exec(path);
  if (req.method === 'GET' && read) {
    log.push(`read ${read[1]}`);
    return void reply(200, { id: read[1] });
  }
  reply(404, envelope(100, 'Unknown path'));
}

beforeAll(async () => {
  redis = await startRedis();
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await redis.stop();
});

/** A replica's upstream side: its own client and memory, the Redis of the others. */
function replica(refusals: ThrottleScope[] = []) {
  const shared = new RedisThrottleStore(redis.url, 3600, createLogger({ level: 'silent' }));
  const memory = new ThrottleMemory({ maxWaitSeconds: 3600, shared, onRefusal: (scope) => refusals.push(scope) });
  const client = new GraphClient({ baseUrl: origin, version: 'v23.0', timeoutMs: 5_000, connections: 4, maxConcurrency: 4, maxQueue: 4, retries: 0, gate: memory });
  return { client, shared, close: async () => (await client.close(), memory.close()) };
}

/** Both replicas connected to Redis (a store answers nothing until then: it never holds a call up). */
async function bothConnected(): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(one.shared.ready && two.shared.ready)) {
    if (Date.now() > deadline) throw new Error('the throttle stores did not connect to Redis');
    await sleep(20);
  }
}

const credentials = (): GraphCredentials => ({ token: TOKEN });

/** `POST /{phone}/messages` to one person, with the route a message send carries. */
function sendText(client: GraphClient, phone: string, to: string) {
  return client.call(
    {
      method: 'POST',
      path: `/${phone}/messages`,
      route: { kind: 'messages.send', template: '/{phone-number-id}/messages', phoneNumberId: phone, recipient: to },
      body: { json: { messaging_product: 'whatsapp', recipient_type: 'individual', to, type: 'text', text: { body: 'hello' } } },
    },
    credentials(),
  );
}

let one: ReturnType<typeof replica>;
let two: ReturnType<typeof replica>;
const refusedOnTwo: ThrottleScope[] = [];
beforeAll(async () => {
  one = replica();
  two = replica(refusedOnTwo);
  await bothConnected();
}, 30_000);
afterAll(async () => {
  await one.close();
  await two.close();
});
beforeEach(() => {
  log = [];
  refusedOnTwo.length = 0;
});

describe('throttle memory, two replicas on one Redis', () => {
  it('pair (131056): a send to that person from that number is refused on the other replica; other recipients and numbers are served', async () => {
    script.throttleSend.set(`${PHONE_ONE}:15550001111`, 2);
    await expect(sendText(one.client, PHONE_ONE, '15550001111')).rejects.toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 120, graph: { code: 131056 } });

    const refused = await sendText(two.client, PHONE_ONE, '15550001111').catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'RATE_LIMITED', graph: undefined });
    expect((refused as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(0);
    expect((refused as { retryAfterSeconds: number }).retryAfterSeconds).toBeLessThanOrEqual(120);
    expect(refusedOnTwo).toEqual(['pair']);

    await expect(sendText(two.client, PHONE_ONE, '15550002222')).resolves.toMatchObject({ messages: [{ id: expect.any(String) }] });
    await expect(sendText(two.client, PHONE_TWO, '15550001111')).resolves.toMatchObject({ messages: [{ id: expect.any(String) }] });
    expect(log).toEqual([`send ${PHONE_ONE} → 15550001111`, `send ${PHONE_ONE} → 15550002222`, `send ${PHONE_TWO} → 15550001111`]);
  });

  it('without a usage header the pair waits 4^n seconds, counted across replicas: 1 s, then 4 s', async () => {
    script.throttleSend.set(`${PHONE_ONE}:15550003333`, undefined);
    await expect(sendText(one.client, PHONE_ONE, '15550003333')).rejects.toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 1 });
    // Past the first wait (Redis expires it), the other replica sends again and meets the throttle again.
    await sleep(1_200);
    script.throttleSend.set(`${PHONE_ONE}:15550003333`, undefined);
    await expect(sendText(two.client, PHONE_ONE, '15550003333')).rejects.toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 4, graph: { code: 131056 } });
    await expect(sendText(one.client, PHONE_ONE, '15550003333')).rejects.toMatchObject({ code: 'RATE_LIMITED', graph: undefined });
    expect(log).toEqual([`send ${PHONE_ONE} → 15550003333`, `send ${PHONE_ONE} → 15550003333`]);
  });

  it('group (131208) in one slot of a batch: the other replica leaves that group out of its next batch', async () => {
    const readerOne = new GraphReader(one.client, { mode: 'batch', singleConcurrency: 2 });
    const readerTwo = new GraphReader(two.client, { mode: 'batch', singleConcurrency: 2 });
    script.throttleSlot.add('GroupSlotA');
    const first = await readerOne.read([{ id: 'GroupSlotA', params: {} }, { id: 'GroupSlotB', params: {} }], credentials());
    expect(first).toEqual([expect.objectContaining({ code: 'RATE_LIMITED', retryAfterSeconds: 1 }), { id: 'GroupSlotB' }]);

    const second = await readerTwo.read([{ id: 'GroupSlotA', params: {} }, { id: 'GroupSlotB', params: {} }, { id: 'GroupSlotC', params: {} }], credentials());
    expect(second).toEqual([expect.objectContaining({ code: 'RATE_LIMITED' }), { id: 'GroupSlotB' }, { id: 'GroupSlotC' }]);
    expect(refusedOnTwo).toEqual(['group']);
    expect(log).toEqual(['batch GroupSlotA,GroupSlotB', 'batch GroupSlotB,GroupSlotC']);
  });

  it('Redis down: each replica knows only what it saw, and no call is refused wrongly', async () => {
    await redis.stop();
    try {
      script.throttleSend.set(`${PHONE_TWO}:15550004444`, 2);
      await expect(sendText(one.client, PHONE_TWO, '15550004444')).rejects.toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 120 });
      // Replica one remembers it itself …
      await expect(sendText(one.client, PHONE_TWO, '15550004444')).rejects.toMatchObject({ code: 'RATE_LIMITED', graph: undefined });
      // … replica two cannot know: its send goes upstream and is served.
      await expect(sendText(two.client, PHONE_TWO, '15550004444')).resolves.toMatchObject({ messages: [{ id: expect.any(String) }] });
      expect(log).toEqual([`send ${PHONE_TWO} → 15550004444`, `send ${PHONE_TWO} → 15550004444`]);
    } finally {
      await redis.start();
      await bothConnected();
    }
  });
});

describe('what is read back from Redis', () => {
  it('is checked: a foreign value is no wait, a wait past the bound is bounded, an unknown code is dropped, a broken count is one strike', async () => {
    const raw = new Redis(redis.url);
    const store = new RedisThrottleStore(redis.url, 600, createLogger({ level: 'silent' }));
    try {
      const now = Date.now();
      await raw.set('whatsapp:throttle:app:foreign:wait', '{"until":"never"}', 'PX', 30_000);
      await raw.set('whatsapp:throttle:app:long:wait', `4:${now + 86_400_000}`);
      await raw.set('whatsapp:throttle:app:other-code:wait', `100:${now + 30_000}`, 'PX', 30_000);
      await raw.set('whatsapp:throttle:app:over:wait', `80007:${now - 1_000}`, 'PX', 30_000);
      await raw.set('whatsapp:throttle:app:broken:strikes', 'many');
      const deadline = Date.now() + 20_000;
      while (!store.ready && Date.now() < deadline) await sleep(20);
      const [foreign, long, otherCode, over, absent] = await store.closed(['app:foreign', 'app:long', 'app:other-code', 'app:over', 'app:absent']);
      expect(foreign).toBeUndefined();
      expect(long).toEqual({ remainingMs: 600_000, code: 4 });
      expect(otherCode).toEqual({ remainingMs: expect.any(Number), code: undefined });
      expect(over).toBeUndefined();
      expect(absent).toBeUndefined();
      await expect(store.strike('app:broken')).resolves.toBe(1);
    } finally {
      raw.disconnect();
      store.disconnect();
    }
  });
});
