import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, TEST_TOKEN, type TestGateway } from '../helpers/gateway.js';
import { watchUpstreamInFlight } from '../helpers/upstream-in-flight.js';

/**
 * Bounds on upstream concurrency, measured at the sandbox (requests it was serving at once). Each
 * answer takes 400 ms, so requests started together overlap even on a loaded machine.
 */
let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

function aliasedReads(ids: readonly string[]) {
  return `{ ${ids.map((id, i) => `g${i}: group(id: "${id}") { id }`).join(' ')} }`;
}

describe('GRAPH_SINGLE_CONCURRENCY', () => {
  it.each([3, 5])('with GRAPH_SINGLE_CONCURRENCY=%i, a 12-group read in single mode has exactly that many requests upstream at once', async (limit) => {
    gw = await startGateway({ env: { GRAPH_BATCH_MODE: 'single', GRAPH_SINGLE_CONCURRENCY: String(limit) }, sandbox: { latencyMs: 400 } });
    const ids = Array.from({ length: 12 }, (_, i) => gw!.sandbox.groups.seedGroup({ subject: `G${i}` }).id);
    gw.takeUpstreamRequests();
    const inFlight = watchUpstreamInFlight(gw.sandbox);
    const { body } = await gw.query(aliasedReads(ids));
    expect(body.errors).toBeUndefined();
    expect(inFlight.stop()).toBe(limit);
    // One GET per group (in whatever order the workers reached the sandbox).
    const reads = gw.takeUpstreamRequests();
    expect(reads.map((r) => r.kind)).toEqual(ids.map(() => 'read'));
    expect(reads.flatMap((r) => r.ids).sort()).toEqual([...ids].sort());
  });
});

describe('UPSTREAM_MAX_CONCURRENCY_PER_TOKEN', () => {
  it("caps one token's calls in flight; the other slots serve another token", async () => {
    gw = await startGateway({
      env: { GRAPH_BATCH_MODE: 'single', UPSTREAM_MAX_CONCURRENCY: '8', UPSTREAM_MAX_CONCURRENCY_PER_TOKEN: '3' },
      sandbox: { latencyMs: 400 },
    });
    const ids = Array.from({ length: 12 }, (_, i) => gw!.sandbox.groups.seedGroup({ subject: `G${i}` }).id);
    gw.sandbox.tokens.addToken('other-tenant-token', { groups: ids });

    const alone = watchUpstreamInFlight(gw.sandbox);
    expect((await gw.query(aliasedReads(ids))).body.errors).toBeUndefined();
    expect(alone.stop()).toBe(3);

    gw.takeUpstreamRequests();
    const both = watchUpstreamInFlight(gw.sandbox);
    const answers = await Promise.all([
      gw.query(aliasedReads(ids), undefined, { authorization: `Bearer ${TEST_TOKEN}` }),
      gw.query(aliasedReads(ids), undefined, { authorization: 'Bearer other-tenant-token' }),
    ]);
    expect(answers.map((a) => a.body.errors)).toEqual([undefined, undefined]);
    expect(both.stop()).toBe(6);
  });
});

describe('a client that disconnects mid-operation', () => {
  /** Starts a read, waits until the sandbox has seen its first attempt, then drops the connection. */
  async function readThenDisconnect(testGw: TestGateway, id: string) {
    const controller = new AbortController();
    const reading = fetch(testGw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_TOKEN}` },
      body: JSON.stringify({ query: `{ group(id: "${id}") { id } }` }),
      signal: controller.signal,
    }).catch(() => undefined);
    await expect.poll(() => testGw.sandbox.requests.length, { timeout: 10_000, interval: 10 }).toBeGreaterThan(0);
    controller.abort();
    await reading;
  }

  it('stops its retries: a read meeting a lasting 503 is not tried again once the client has gone', async () => {
    gw = await startGateway({ env: { UPSTREAM_RETRIES: '5', UPSTREAM_TIMEOUT_MS: '10000' }, sandbox: { latencyMs: 200 } });
    const id = gw.sandbox.demoGroupIds[0]!;
    gw.sandbox.faults.inject({ kind: 'status', status: 503, times: 100 });

    // Control: a client that stays gets 1 + 5 attempts (each 200 ms, backoff at most 1 s).
    const { body } = await gw.query(`{ group(id: "${id}") { id } }`);
    expect(body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_ERROR');
    expect(gw.takeUpstreamRequests()).toHaveLength(6);

    await readThenDisconnect(gw, id);
    await expect.poll(() => gw!.gateway.client.load.inFlight, { timeout: 5_000 }).toBe(0);
    const attempts = gw.sandbox.requests.length;
    // Longer than the remaining retries and their backoff would take (5 × (200 ms + up to 1 s)).
    await sleep(3_000);
    expect(attempts).toBeLessThanOrEqual(2);
    expect(gw.sandbox.requests).toHaveLength(attempts);
  }, 30_000);

  it('frees its upstream slot: with one slot and no queue, the next caller is served', async () => {
    gw = await startGateway({ env: { UPSTREAM_MAX_CONCURRENCY: '1', UPSTREAM_MAX_QUEUE: '0', UPSTREAM_TIMEOUT_MS: '20000' } });
    const id = gw.sandbox.demoGroupIds[0]!;
    gw.sandbox.faults.inject({ kind: 'hang' });
    await readThenDisconnect(gw, id);
    await expect.poll(() => gw!.gateway.client.load.inFlight, { timeout: 5_000 }).toBe(0);
    const { body } = await gw.query(`{ group(id: "${id}") { id } }`);
    expect(body).toEqual({ data: { group: { id } } });
  }, 30_000);
});
