import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConcurrencyLimit } from '../../src/graph/concurrency-limit.js';
import { GraphClient } from '../../src/graph/client.js';
import { UpstreamError } from '../../src/graph/errors.js';
import { backoffDelayMs, nextRetryDelay } from '../../src/graph/retry.js';
import { groupReadRoute } from '../../src/graph/route.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { startGateway } from '../helpers/gateway.js';

describe('retry policy', () => {
  const policy = { retries: 2, baseDelayMs: 100, maxDelayMs: 1_000, minAttemptMs: 250 };

  it('full jitter: the delay is uniform below a ceiling that doubles up to maxDelayMs', () => {
    expect([0, 1, 2, 3, 10].map((retry) => backoffDelayMs(retry, policy, () => 0.999))).toEqual([99, 199, 399, 799, 999]);
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
  });

  it('stops after `retries`, and when the deadline leaves less than minAttemptMs after the backoff', () => {
    const now = 0;
    expect(nextRetryDelay(0, 10_000, policy, now, () => 0.5)).toBe(50);
    expect(nextRetryDelay(2, 10_000, policy, now, () => 0.5)).toBeUndefined();
    expect(nextRetryDelay(0, 299, policy, now, () => 0.5)).toBeUndefined();
  });
});

describe('concurrency limit', () => {
  const limitOf = (max: number, maxQueue: number, more: { maxQueuePerKey?: number; maxPerKey?: number } = {}) =>
    new ConcurrencyLimit({ max, maxQueue, maxQueuePerKey: more.maxQueuePerKey ?? maxQueue, maxPerKey: more.maxPerKey });

  it('lets `max` through, queues `maxQueue`, refuses the rest with RATE_LIMITED and retryAfterSeconds 1', async () => {
    const limit = limitOf(2, 1);
    const first = await limit.acquire('a');
    await limit.acquire('a');
    const queued = limit.acquire('a');
    const refused = await limit.acquire('a').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(UpstreamError);
    expect(refused).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 1 });
    expect((refused as Error).message).toMatch(/limit of 2 concurrent Graph API calls \(UPSTREAM_MAX_CONCURRENCY\)/);
    first();
    first(); // releasing twice frees one slot only
    await queued;
    expect(limit.inFlight).toBe(2);
    expect(limit.queued).toBe(0);
  });

  it('a waiter whose deadline passes leaves the queue', async () => {
    const limit = limitOf(1, 5);
    await limit.acquire('a');
    const waiting = limit.acquire('a', AbortSignal.timeout(20));
    await expect(waiting).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(limit.queued).toBe(0);
  });

  it('a lone key may take every slot', async () => {
    const limit = limitOf(4, 10, { maxQueuePerKey: 2 });
    await Promise.all([1, 2, 3, 4].map(() => limit.acquire('a')));
    expect(limit.inFlight).toBe(4);
  });

  it('waiting calls are served round-robin across keys, FIFO within a key', async () => {
    const limit = limitOf(1, 20);
    const granted: { name: string; release: () => void }[] = [{ name: 'first', release: await limit.acquire('flood') }];
    const wait = (key: string, name: string) => void limit.acquire(key).then((release) => granted.push({ name, release }));
    wait('flood', 'flood1');
    wait('flood', 'flood2');
    wait('flood', 'flood3');
    wait('other', 'other1');
    wait('other', 'other2');
    for (let served = 1; served <= 5; served++) {
      granted.at(-1)!.release();
      await new Promise((resolve) => setImmediate(resolve));
      expect(granted).toHaveLength(served + 1);
    }
    expect(granted.map((g) => g.name)).toEqual(['first', 'flood1', 'other1', 'flood2', 'other2', 'flood3']);
  });

  it("one key's full queue refuses that key only; another key still queues", async () => {
    const limit = limitOf(1, 10, { maxQueuePerKey: 2 });
    await limit.acquire('flood');
    const flood = [limit.acquire('flood'), limit.acquire('flood')];
    const refused = await limit.acquire('flood').catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringMatching(/UPSTREAM_MAX_QUEUE_PER_TOKEN/) });
    const other = limit.acquire('other');
    expect(limit.queued).toBe(3);
    void flood;
    void other;
  });

  it('when the whole queue is full, a newcomer displaces the newest call of the longest queue', async () => {
    const limit = limitOf(1, 3);
    await limit.acquire('flood');
    const flood = [limit.acquire('flood'), limit.acquire('flood'), limit.acquire('flood')];
    const other = limit.acquire('other');
    await expect(flood[2]).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(limit.queued).toBe(3);
    void other;
  });

  it('UPSTREAM_MAX_CONCURRENCY_PER_TOKEN caps one key while others use the free slots', async () => {
    const limit = limitOf(4, 10, { maxPerKey: 2 });
    await limit.acquire('a');
    await limit.acquire('a');
    const third = limit.acquire('a');
    await limit.acquire('b');
    await limit.acquire('b');
    expect(limit.inFlight).toBe(4);
    expect(limit.queued).toBe(1);
    void third;
  });
});

describe('the Graph client retries reads only', () => {
  let sandbox: Sandbox;
  let client: GraphClient;
  let id: string;
  const credentials = () => ({ token: sandbox.demoToken! });

  beforeAll(async () => {
    sandbox = await startSandbox({ seedDemo: true });
    client = new GraphClient({ baseUrl: sandbox.url, version: 'v23.0', timeoutMs: 2_000, connections: 4, maxConcurrency: 4, maxQueue: 4, retries: 2 });
    id = sandbox.demoGroupIds[0]!;
  });
  afterAll(async () => {
    await client.close();
    await sandbox.close();
  });
  beforeEach(() => {
    sandbox.faults.clear();
    sandbox.clearRequests();
  });

  it("a read marked retry: 'read' is tried 1 + UPSTREAM_RETRIES times on a lasting 503", async () => {
    sandbox.faults.inject({ kind: 'status', status: 503, times: 10 });
    await expect(client.call({ method: 'GET', path: `/${id}`, route: groupReadRoute(id), query: { fields: 'id' }, retry: 'read' }, credentials())).rejects.toMatchObject({ code: 'UPSTREAM_ERROR' });
    expect(sandbox.requests.map((r) => r.status)).toEqual([503, 503, 503]);
  });

  it('a write (no retry flag) is sent exactly once, whatever the failure', async () => {
    for (const fault of [{ kind: 'status', status: 503 }, { kind: 'reset' }] as const) {
      sandbox.faults.clear();
      sandbox.clearRequests();
      sandbox.faults.inject({ ...fault, times: 10 });
      await expect(
        client.call({ method: 'POST', path: `/${id}`, route: { kind: 'group.update', template: '/{group-id}', groupId: id }, body: { form: { subject: 'Renamed' } } }, credentials()),
      ).rejects.toMatchObject({ code: 'UPSTREAM_ERROR' });
      expect(sandbox.requests.map((r) => [r.method, r.kind])).toEqual([['POST', 'update']]);
    }
  });

  it("retry: 'never' on a GET is honoured too", async () => {
    sandbox.faults.inject({ kind: 'reset', times: 10 });
    await expect(client.call({ method: 'GET', path: `/${id}`, route: groupReadRoute(id), retry: 'never' }, credentials())).rejects.toMatchObject({ code: 'UPSTREAM_ERROR' });
    expect(sandbox.requests).toHaveLength(1);
  });
});

describe('the bound on concurrent upstream calls', () => {
  it('beyond UPSTREAM_MAX_CONCURRENCY + UPSTREAM_MAX_QUEUE an operation is RATE_LIMITED at once, naming the limit', async () => {
    // 2 s answers: the six requests reach the gateway before the first slot frees, even on a loaded machine.
    const gw = await startGateway({ env: { UPSTREAM_MAX_CONCURRENCY: '2', UPSTREAM_MAX_QUEUE: '1' }, sandbox: { latencyMs: 2_000 } });
    try {
      const ids = gw.sandbox.demoGroupIds;
      const started = performance.now();
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, i) => gw.query(`{ group(id: "${ids[i % ids.length]}") { id } }`).then((r) => ({ ...r, ms: performance.now() - started }))),
      );
      const limited = answers.filter((a) => a.body.errors?.[0]?.extensions?.code === 'RATE_LIMITED');
      const served = answers.filter((a) => !a.body.errors);
      expect(served).toHaveLength(3);
      expect(limited).toHaveLength(3);
      for (const answer of limited) {
        expect(answer.body.errors?.[0]).toMatchObject({
          message: expect.stringMatching(/limit of 2 concurrent Graph API calls/),
          extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 1 },
        });
        // At once: before the first served answer, which waited out the sandbox's 2 s latency.
        expect(answer.ms).toBeLessThan(Math.min(...served.map((s) => s.ms)));
      }
      expect(gw.takeUpstreamRequests()).toHaveLength(3);
    } finally {
      await gw.close();
    }
  });
});
