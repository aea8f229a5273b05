import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Fault } from '../../src/sandbox/index.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

/**
 * Each fault the sandbox can inject gives its documented error, within its documented time, with
 * an exact count of upstream attempts (reads retry only what may succeed the second time), and the
 * next request is served normally.
 */
const TIMEOUT_MS = 600;

let gw: TestGateway;
let id: string;
beforeAll(async () => {
  gw = await startGateway({ env: { UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS), UPSTREAM_RETRIES: '2' } });
  id = gw.sandbox.demoGroupIds[0]!;
});
afterAll(() => gw.close());
/**
 * Each test reads with a token of its own: a throttle closes its token's scope on the gateway
 * (graph/throttle-memory.ts) and must not refuse the next test's reads.
 */
let token = '';
let tokens = 0;
beforeEach(() => {
  gw.sandbox.faults.clear();
  gw.takeUpstreamRequests();
  token = `faults-test-token-${++tokens}`;
  gw.sandbox.tokens.addToken(token, { groups: '*' });
});

const readGroup = () => gw.query(`{ group(id: "${id}") { id subject } }`, undefined, { authorization: `Bearer ${token}` });

async function timed<T>(run: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await run();
  return { result, ms: performance.now() - started };
}

async function expectNextRequestServed() {
  const next = await readGroup();
  expect(next.body).toEqual({ data: { group: { id, subject: expect.any(String) } } });
}

describe('upstream faults on a read', () => {
  it.each<[string, Fault, Record<string, unknown>, number]>([
    ['a throttle (4) is RATE_LIMITED with retryAfterSeconds from the usage header, not retried', { kind: 'throttle', code: 4, regainMinutes: 3 }, { code: 'RATE_LIMITED', retryAfterSeconds: 180, graphApi: expect.objectContaining({ code: 4 }) }, 1],
    ['a group throttle (131208) is RATE_LIMITED, not retried', { kind: 'throttle', code: 131208 }, { code: 'RATE_LIMITED', retryAfterSeconds: 60, graphApi: expect.objectContaining({ code: 131208 }) }, 1],
    ['a group throttle (131208) without a usage header waits 1 s, Meta-style backoff', { kind: 'graph-error', status: 429, code: 131208 }, { code: 'RATE_LIMITED', retryAfterSeconds: 1, graphApi: expect.objectContaining({ code: 131208 }) }, 1],
    ['malformed JSON is UPSTREAM_ERROR, not retried', { kind: 'malformed-json' }, { code: 'UPSTREAM_ERROR' }, 1],
    ['an HTML page (wrong content type) is UPSTREAM_ERROR, not retried', { kind: 'wrong-content-type' }, { code: 'UPSTREAM_ERROR' }, 1],
    ['an empty 204 is UPSTREAM_ERROR, not an empty group', { kind: 'empty-204' }, { code: 'UPSTREAM_ERROR' }, 1],
    ['a 500 that lasts is UPSTREAM_ERROR after 1 + 2 retries', { kind: 'status', status: 500, graphCode: 1, times: 5 }, { code: 'UPSTREAM_ERROR', graphApi: expect.objectContaining({ code: 1 }) }, 3],
    ['a dropped connection that lasts is UPSTREAM_ERROR after 1 + 2 retries', { kind: 'reset', times: 5 }, { code: 'UPSTREAM_ERROR' }, 3],
  ])('%s', async (_label, fault, extensions, attempts) => {
    gw.sandbox.faults.inject(fault);
    const { result, ms } = await timed(readGroup);
    expect(result.body.data).toEqual({ group: null });
    expect(result.body.errors).toEqual([expect.objectContaining({ path: ['group'], extensions })]);
    expect(ms).toBeLessThan(TIMEOUT_MS + 500);
    expect(gw.takeUpstreamRequests()).toHaveLength(attempts);
    gw.sandbox.faults.clear();
    if (extensions.code === 'RATE_LIMITED') {
      // The throttled scope stays closed: the next read is refused without an upstream request …
      const next = await readGroup();
      expect(next.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) } })]);
      expect(gw.takeUpstreamRequests()).toEqual([]);
      // … and another token is served.
      token = `faults-test-token-${++tokens}`;
      gw.sandbox.tokens.addToken(token, { groups: '*' });
    }
    await expectNextRequestServed();
  });

  it.each<[string, Fault]>([
    ['a 503 (Graph code 2, transient)', { kind: 'status', status: 503 }],
    ['a 502 without a transient code', { kind: 'status', status: 502, graphCode: 1 }],
    ['a dropped connection', { kind: 'reset' }],
  ])('%s once is retried and the caller sees the group', async (_label, fault) => {
    gw.sandbox.faults.inject(fault);
    const { body } = await readGroup();
    expect(body).toEqual({ data: { group: { id, subject: expect.any(String) } } });
    const attempts = gw.takeUpstreamRequests();
    expect(attempts.map((r) => r.status)).toEqual([fault.kind === 'reset' ? 0 : (fault as { status: number }).status, 200]);
  });

  it.each<[string, Fault]>([
    ['a 500 whose Graph code is not transient (is_transient: false)', { kind: 'status', status: 500, graphCode: 12345, transient: false }],
    ['a 502 with an envelope that has no code', { kind: 'graph-error', status: 502 }],
  ])('%s is retried for a read: 5xx alone makes a read worth another try', async (_label, fault) => {
    gw.sandbox.faults.inject(fault);
    const { body } = await readGroup();
    expect(body).toEqual({ data: { group: { id, subject: expect.any(String) } } });
    expect(gw.takeUpstreamRequests().map((r) => r.status)).toEqual([(fault as { status: number }).status, 200]);
  });

  it('the batch read POST is retried like a GET', async () => {
    gw.sandbox.faults.inject({ kind: 'status', status: 503, match: { kind: 'batch' } });
    const [a, b] = gw.sandbox.demoGroupIds;
    const { body } = await gw.query(`{ a: group(id: "${a}") { id } b: group(id: "${b}") { id } }`);
    expect(body).toEqual({ data: { a: { id: a }, b: { id: b } } });
    expect(gw.takeUpstreamRequests().map((r) => [r.kind, r.status])).toEqual([['batch', 503], ['batch', 200]]);
  });

  it('a slow answer within UPSTREAM_TIMEOUT_MS is served', async () => {
    gw.sandbox.faults.inject({ kind: 'latency', ms: 200 });
    const { result, ms } = await timed(readGroup);
    expect(result.body.errors).toBeUndefined();
    expect(ms).toBeGreaterThanOrEqual(190);
    expect(gw.takeUpstreamRequests()).toHaveLength(1);
  });

  it.each<[string, Fault]>([
    ['a hang', { kind: 'hang' }],
    ['latency beyond the deadline', { kind: 'latency', ms: 5_000 }],
  ])('%s is UPSTREAM_TIMEOUT after UPSTREAM_TIMEOUT_MS, with no retry past the deadline', async (_label, fault) => {
    gw.sandbox.faults.inject(fault);
    const { result, ms } = await timed(readGroup);
    expect(result.body.errors).toEqual([expect.objectContaining({ path: ['group'], extensions: { code: 'UPSTREAM_TIMEOUT' } })]);
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(ms).toBeLessThan(TIMEOUT_MS + 400);
    expect(gw.takeUpstreamRequests()).toHaveLength(1);
    await expectNextRequestServed();
  });
});

describe('upstream faults on a write sent through GraphQL', () => {
  const rename = () => gw.query(`mutation { updateGroup(input: { id: "${id}", subject: "Renamed once" }) { success } }`);
  const remove = () => gw.query(`mutation { deleteGroup(input: { id: "${id}" }) { success } }`);

  it.each<[string, () => ReturnType<typeof rename>, string, Fault]>([
    ['updateGroup', () => rename(), 'update', { kind: 'status', status: 503, times: 5 }],
    ['updateGroup', () => rename(), 'update', { kind: 'reset', times: 5 }],
    ['deleteGroup', () => remove(), 'delete', { kind: 'status', status: 503, times: 5 }],
    ['deleteGroup', () => remove(), 'delete', { kind: 'reset', times: 5 }],
  ])('%s meeting %#: a 5xx or a reset is sent exactly once and is UPSTREAM_ERROR', async (_name, send, kind, fault) => {
    gw.sandbox.faults.inject(fault);
    const { body } = await send();
    expect(body.data).toBeNull();
    expect(body.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'UPSTREAM_ERROR' }) })]);
    expect(gw.takeUpstreamRequests().map((r) => [r.kind, r.status])).toEqual([[kind, fault.kind === 'reset' ? 0 : 503]]);
    // The fault had 4 uses left: nothing else went upstream to consume them.
    expect(gw.sandbox.faults.pending).toBe(1);
  });
});

describe('retries are bounded', () => {
  it('by total time: with many retries allowed, a lasting 503 still answers within UPSTREAM_TIMEOUT_MS', async () => {
    const many = await startGateway({ env: { UPSTREAM_TIMEOUT_MS: '800', UPSTREAM_RETRIES: '5' }, sandbox: { latencyMs: 150 } });
    try {
      many.sandbox.faults.inject({ kind: 'status', status: 503, times: 100 });
      const started = performance.now();
      const { body } = await many.query(`{ group(id: "${many.sandbox.demoGroupIds[0]}") { id } }`);
      const ms = performance.now() - started;
      expect(body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_ERROR');
      expect(ms).toBeLessThan(800 + 300);
      // Each attempt takes 150 ms and a retry needs 250 ms left: fewer than the 6 allowed.
      const attempts = many.takeUpstreamRequests().length;
      expect(attempts).toBeGreaterThanOrEqual(2);
      expect(attempts).toBeLessThan(6);
    } finally {
      await many.close();
    }
  });

  it('by count: UPSTREAM_RETRIES=0 makes one attempt', async () => {
    const none = await startGateway({ env: { UPSTREAM_RETRIES: '0' } });
    try {
      none.sandbox.faults.inject({ kind: 'status', status: 503 });
      const { body } = await none.query(`{ group(id: "${none.sandbox.demoGroupIds[0]}") { id } }`);
      expect(body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_ERROR');
      expect(none.takeUpstreamRequests()).toHaveLength(1);
    } finally {
      await none.close();
    }
  });
});
