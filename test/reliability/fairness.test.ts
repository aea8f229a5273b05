import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, TEST_TOKEN, type TestGateway } from '../helpers/gateway.js';
import { watchUpstreamInFlight } from '../helpers/upstream-in-flight.js';

/**
 * One token flooding the gateway must not starve another. The flood: loops of 200-id reads in
 * `single` mode (each operation wants 32 upstream calls at once: 4 chunks of 50, 8 at a time)
 * against a slow sandbox, with 8 upstream slots. A second token's single reads must keep succeeding
 * with a latency near one upstream round trip, and the flood alone must still use every slot.
 */
const SLOTS = 8;
const SECOND_TOKEN = 'second-tenant-token';

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

async function setUp(env: Record<string, string>, latencyMs: number) {
  gw = await startGateway({ env: { GRAPH_BATCH_MODE: 'single', UPSTREAM_MAX_CONCURRENCY: String(SLOTS), UPSTREAM_TIMEOUT_MS: '15000', ...env }, sandbox: { latencyMs } });
  const floodIds = Array.from({ length: 200 }, (_, i) => gw!.sandbox.groups.seedGroup({ subject: `Flood ${i}` }).id);
  const secondId = gw.sandbox.groups.seedGroup({ subject: 'Second tenant' }).id;
  gw.sandbox.tokens.addToken(SECOND_TOKEN, { groups: [secondId] });
  const floodQuery = `{ ${floodIds.map((id, i) => `g${i}: group(id: "${id}") { id }`).join(' ')} }`;
  return { gw, floodQuery, secondId };
}

/** Runs `loops` flood loops (TEST_TOKEN) until stopped; collects the error messages they got. */
function startFlood(gateway: TestGateway, floodQuery: string, loops: number) {
  let flooding = true;
  const messages = new Set<string>();
  const running = Array.from({ length: loops }, async () => {
    while (flooding) {
      const { body } = await gateway.query(floodQuery, undefined, { authorization: `Bearer ${TEST_TOKEN}` });
      for (const error of body.errors ?? []) messages.add(`${String(error.extensions?.code)}: ${error.message}`);
    }
  });
  return {
    messages,
    async stop() {
      flooding = false;
      await Promise.all(running);
    },
  };
}

/**
 * `loops` × `reads` single reads with the second token. Besides latency, each read measures how many
 * flood calls reached the sandbox between the moment it was sent and its own arrival there (found
 * by its x-request-id): behind a FIFO queue that is the whole queue, served round-robin a few.
 * Unlike milliseconds, that count does not depend on how loaded the machine is.
 */
async function secondTokenReads(gateway: TestGateway, id: string, loops: number, reads: number) {
  const latencies: number[] = [];
  const overtakenBy: number[] = [];
  const failures: string[] = [];
  await Promise.all(
    Array.from({ length: loops }, async (_, loop) => {
      for (let i = 0; i < reads; i++) {
        const requestId = `second-${loop}-${i}`;
        const log = gateway.sandbox.requests;
        const before = log.length;
        const started = performance.now();
        const { body } = await gateway.query(`{ group(id: "${id}") { id subject } }`, undefined, {
          authorization: `Bearer ${SECOND_TOKEN}`,
          'x-request-id': requestId,
        });
        latencies.push(performance.now() - started);
        if (!(body.data as { group?: unknown } | null | undefined)?.group || body.errors) failures.push(JSON.stringify(body.errors));
        const arrival = log.findIndex((r, index) => index >= before && r.requestId === requestId);
        if (arrival >= 0) overtakenBy.push(log.slice(before, arrival).filter((r) => !r.requestId?.startsWith('second-')).length);
      }
    }),
  );
  return { latencies, overtakenBy, failures, servedShare: (latencies.length - failures.length) / latencies.length };
}

describe('fairness between tokens', () => {
  it("a flood alone uses every slot; another token's reads are served round-robin, not behind the flood's queue", async () => {
    // 2 loops × 32 calls: 8 in flight and 56 waiting, all within the queue (nothing refused). A
    // FIFO queue would put each read of the second token behind 56 calls (56 / 8 × 400 ms ≈ 2.8 s).
    const { gw, floodQuery, secondId } = await setUp({ UPSTREAM_MAX_QUEUE: '64' }, 400);
    const inFlight = watchUpstreamInFlight(gw.sandbox);
    const flood = startFlood(gw, floodQuery, 2);
    try {
      await expect.poll(() => inFlight.peak(), { timeout: 20_000, interval: 50 }).toBe(SLOTS);
      const second = await secondTokenReads(gw, secondId, 2, 15);
      expect(second.failures).toEqual([]);
      expect(second.servedShare).toBeGreaterThanOrEqual(0.99);
      // Round-robin: once queued, a read waits for about one slot release (measured: at most 10
      // flood calls got ahead, most of them while the read was still being parsed). Allowing for a
      // loaded machine: at most three rounds of the 8 slots. A FIFO queue lets 56 to 64 through first.
      expect(second.overtakenBy).toHaveLength(second.latencies.length);
      expect(Math.max(...second.overtakenBy)).toBeLessThanOrEqual(3 * SLOTS);
      // Latency stays bounded too (400 ms upstream; generous for a loaded machine).
      expect(Math.max(...second.latencies)).toBeLessThan(10_000);
      expect(inFlight.stop()).toBe(SLOTS);
      expect(flood.messages).toEqual(new Set());
    } finally {
      await flood.stop();
      inFlight.stop();
    }
  }, 90_000);

  it("a flood over its UPSTREAM_MAX_QUEUE_PER_TOKEN is refused RATE_LIMITED; another token's reads are never refused", async () => {
    // The whole queue (32) is smaller than the flood's demand: a FIFO would fill it with flood
    // calls and refuse the second token. Per token, the flood may hold 16 places.
    const { gw, floodQuery, secondId } = await setUp({ UPSTREAM_MAX_QUEUE: '32', UPSTREAM_MAX_QUEUE_PER_TOKEN: '16' }, 200);
    const flood = startFlood(gw, floodQuery, 2);
    try {
      await expect.poll(() => flood.messages.size, { timeout: 20_000, interval: 50 }).toBeGreaterThan(0);
      const second = await secondTokenReads(gw, secondId, 2, 15);
      expect(second.failures).toEqual([]);
      expect(Math.max(...second.latencies)).toBeLessThan(10_000);
      expect([...flood.messages]).toEqual([expect.stringMatching(/^RATE_LIMITED: .*UPSTREAM_MAX_QUEUE_PER_TOKEN/)]);
    } finally {
      await flood.stop();
    }
  }, 90_000);
});
