import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createGateway } from '../../src/gateway.js';
import { createLogger } from '../../src/logger.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { startServer, type GatewayServer } from '../../src/server.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

describe('OPERATION_TIMEOUT_MS', () => {
  it('five aliased deletes of 1 s each stop at the operation deadline with OPERATION_TIMEOUT; the deletes after it never go upstream', async () => {
    gw = await startGateway({ env: { OPERATION_TIMEOUT_MS: '1500' }, sandbox: { latencyMs: 1_000 } });
    const ids = Array.from({ length: 5 }, (_, i) => gw!.sandbox.groups.seedGroup({ subject: `Delete me ${i}` }).id);
    const mutation = `mutation { ${ids.map((id, i) => `d${i}: deleteGroup(input: { id: "${id}" }) { success }`).join(' ')} }`;
    const started = performance.now();
    const { body } = await gw.query(mutation);
    const ms = performance.now() - started;

    // Mutation payloads are non-null: the first field that times out nulls `data` and ends the operation.
    expect(body).toEqual({
      data: null,
      errors: [expect.objectContaining({ extensions: { code: 'OPERATION_TIMEOUT' }, message: expect.stringMatching(/longer than 1500 ms \(OPERATION_TIMEOUT_MS\)/) })],
    });
    // Upstream: the delete(s) done within 1.5 s and the one cut at the deadline; never all five.
    const deletes = gw.takeUpstreamRequests();
    expect(deletes.every((r) => r.kind === 'delete')).toBe(true);
    expect(deletes.length).toBeGreaterThanOrEqual(1);
    expect(deletes.length).toBeLessThan(5);
    expect(deletes.map((r) => r.ids[0])).toEqual(ids.slice(0, deletes.length));
    // Five deletes in sequence take 5 s; the answer came soon after the deadline (generous margin).
    expect(ms).toBeLessThan(4_000);
  }, 20_000);

  it('a read whose upstream hangs fails OPERATION_TIMEOUT at the operation deadline and frees its slot', async () => {
    gw = await startGateway({ env: { OPERATION_TIMEOUT_MS: '800', UPSTREAM_TIMEOUT_MS: '20000' } });
    gw.sandbox.faults.inject({ kind: 'hang' });
    const { body } = await gw.query(`{ group(id: "${gw.sandbox.demoGroupIds[0]}") { id } }`);
    expect(body).toEqual({
      data: { group: null },
      errors: [expect.objectContaining({ path: ['group'], extensions: { code: 'OPERATION_TIMEOUT' } })],
    });
    expect(gw.gateway.client.load).toEqual({ inFlight: 0, queued: 0 });
  }, 20_000);

  it('is configurable and defaults to 30 s', () => {
    expect(loadConfig({}).operationTimeoutMs).toBe(30_000);
    expect(loadConfig({ OPERATION_TIMEOUT_MS: '5000' }).operationTimeoutMs).toBe(5_000);
  });
});

describe('slow clients', () => {
  let sandbox: Sandbox | undefined;
  let running: GatewayServer | undefined;
  afterEach(async () => {
    await running?.shutdown('test');
    await sandbox?.close();
    running = undefined;
    sandbox = undefined;
  });

  async function serve(env: Record<string, string>) {
    sandbox = await startSandbox({ seedDemo: true });
    const config = loadConfig({ NODE_ENV: 'test', GRAPH_API_URL: sandbox.url, ...env });
    const gateway = createGateway({ config, graphApiUrl: sandbox.url, logger: createLogger({ level: 'silent' }) });
    running = await startServer({
      gateway,
      logger: createLogger({ level: 'silent' }),
      port: 0,
      host: '127.0.0.1',
      shutdownTimeoutMs: 1_000,
      headersTimeoutMs: config.headersTimeoutMs,
      requestTimeoutMs: config.requestTimeoutMs,
    });
    return running.port;
  }

  /** Opens a raw connection, sends `first`, then `next(i)` every `everyMs` until the server closes it. */
  function dribble(port: number, first: string, next: (i: number) => string, everyMs: number) {
    const socket: Socket = connect(port, '127.0.0.1');
    let received = '';
    let sent = 0;
    socket.on('data', (chunk) => (received += chunk.toString()));
    socket.on('error', () => undefined);
    const started = performance.now();
    socket.write(first);
    const timer = setInterval(() => {
      if (!socket.destroyed) socket.write(next(sent++));
    }, everyMs);
    return new Promise<{ closedAfterMs: number; received: string; sent: number }>((resolve) => {
      socket.on('close', () => {
        clearInterval(timer);
        resolve({ closedAfterMs: performance.now() - started, received, sent });
      });
    });
  }

  it('a client sending one header line at a time (slowloris) is cut at HEADERS_TIMEOUT_MS with HTTP 408', async () => {
    const port = await serve({ HEADERS_TIMEOUT_MS: '1000', REQUEST_TIMEOUT_MS: '5000' });
    // One header line every 400 ms, forever: the headers never end.
    const cut = await dribble(port, 'POST /graphql HTTP/1.1\r\nHost: gateway\r\n', (i) => `X-Slow-${i}: still here\r\n`, 400);
    expect(cut.received).toMatch(/^HTTP\/1\.1 408 /);
    // Cut after the 1 s bound (checked every 250 ms), long before it would have given up by itself;
    // the same client is still connected after 64 s without the bound.
    expect(cut.closedAfterMs).toBeGreaterThanOrEqual(900);
    expect(cut.closedAfterMs).toBeLessThan(10_000);
  }, 30_000);

  it('a client sending its body a few bytes at a time is cut at REQUEST_TIMEOUT_MS with HTTP 408', async () => {
    const port = await serve({ HEADERS_TIMEOUT_MS: '1000', REQUEST_TIMEOUT_MS: '2000' });
    const head = 'POST /graphql HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"query":"';
    const cut = await dribble(port, head, () => ' '.repeat(10), 300);
    expect(cut.received).toMatch(/^HTTP\/1\.1 408 /);
    expect(cut.closedAfterMs).toBeGreaterThanOrEqual(1_900);
    expect(cut.closedAfterMs).toBeLessThan(15_000);
  }, 30_000);

  it('HEADERS_TIMEOUT_MS may not exceed 30 s, nor REQUEST_TIMEOUT_MS', () => {
    expect(loadConfig({}).headersTimeoutMs).toBe(30_000);
    expect(loadConfig({}).requestTimeoutMs).toBe(120_000);
    expect(() => loadConfig({ HEADERS_TIMEOUT_MS: '60000' })).toThrow(/HEADERS_TIMEOUT_MS: must be at most 30000/);
    expect(() => loadConfig({ HEADERS_TIMEOUT_MS: '20000', REQUEST_TIMEOUT_MS: '10000' })).toThrow(/HEADERS_TIMEOUT_MS: must not exceed REQUEST_TIMEOUT_MS/);
  });
});
