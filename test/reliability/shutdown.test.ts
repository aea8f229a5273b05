import { Client } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createGateway } from '../../src/gateway.js';
import { createLogger } from '../../src/logger.js';
import { startServer } from '../../src/server.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { startGatewayProcess, type GatewayProcess } from '../../support/processes.js';

/**
 * SIGTERM/SIGINT on the real process (src/main.ts with its in-process sandbox): requests in flight
 * finish, `/ready` answers 503 from the moment shutdown begins, the process exits 0 soon after the
 * last response (not a keep-alive timeout later), and within SHUTDOWN_TIMEOUT_MS when a request
 * would take longer.
 */
let proc: GatewayProcess | undefined;
let client: Client | undefined;
afterEach(async () => {
  await client?.destroy();
  await proc?.stop('SIGKILL');
  proc = undefined;
  client = undefined;
});

async function start(env: Record<string, string>) {
  proc = startGatewayProcess({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env });
  const [, url] = await proc.waitFor(/GraphiQL:\s+(http:\S+)/);
  const [, sandbox] = await proc.waitFor(/Sandbox:\s+(http:\S+)/);
  const [, token] = await proc.waitFor(/Demo token:\s+(\S+)/);
  const [, groups] = await proc.waitFor(/Demo groups:\s+(.+)/);
  const origin = new URL(url!.replace('localhost', '127.0.0.1')).origin;
  return { origin, sandbox: sandbox!, token: token!, id: groups!.split(', ')[0]! };
}

/** Makes the next Graph request of the in-process sandbox slow, through its admin API. */
async function slowNextUpstreamCall(sandbox: string, ms: number) {
  const response = await fetch(`${sandbox}/__sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'latency', ms }) });
  expect(response.status).toBe(201);
}

async function waitForUpstreamRequest(sandbox: string) {
  for (let i = 0; i < 100; i++) {
    const requests = (await (await fetch(`${sandbox}/__sandbox/requests`)).json()) as unknown[];
    if (requests.length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the slow request never reached the sandbox');
}

function readGroup(c: Client, token: string, id: string) {
  return c.request({
    method: 'POST',
    path: '/graphql',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: `{ group(id: "${id}") { id } }` }),
  });
}

describe('graceful shutdown', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('on %s the request in flight completes, new connections are refused, and the process exits 0 promptly', async (signal) => {
    const { origin, sandbox, token, id } = await start({ SHUTDOWN_TIMEOUT_MS: '10000' });
    client = new Client(origin);
    const before = await client.request({ method: 'GET', path: '/ready' });
    await before.body.dump();
    expect(before.statusCode).toBe(200);
    await slowNextUpstreamCall(sandbox, 1_500);
    const slow = readGroup(client, token, id);
    await waitForUpstreamRequest(sandbox);

    const signalledAt = performance.now();
    proc!.child.kill(signal);
    await proc!.waitFor(/shutting down/);
    const newConnection = await fetch(`${origin}/health`).then(() => 'accepted', () => 'refused');

    const answer = await slow;
    expect(answer.statusCode).toBe(200);
    expect(await answer.body.json()).toEqual({ data: { group: { id } } });
    expect(newConnection).toBe('refused');
    expect(await proc!.exited).toBe(0);
    // The slow call had ~1.5 s to go; exiting must not wait for a keep-alive timeout (65 s).
    expect(performance.now() - signalledAt).toBeLessThan(4_000);
    const shutdownLines = proc!.output().split('\n').filter((l) => /shutting down|gateway stopped/.test(l));
    for (const line of shutdownLines) expect(JSON.parse(line)).not.toHaveProperty('requestId');
  });

  it('a request longer than SHUTDOWN_TIMEOUT_MS is cut and the process still exits 0 within the bound', async () => {
    const { origin, sandbox, token, id } = await start({ SHUTDOWN_TIMEOUT_MS: '800', UPSTREAM_TIMEOUT_MS: '20000' });
    client = new Client(origin);
    await slowNextUpstreamCall(sandbox, 10_000);
    const slow = readGroup(client, token, id).then((r) => r.statusCode, (error: Error) => error.name);
    await waitForUpstreamRequest(sandbox);
    const signalledAt = performance.now();
    proc!.child.kill('SIGTERM');
    expect(await proc!.exited).toBe(0);
    expect(performance.now() - signalledAt).toBeLessThan(800 + 1_500);
    expect(await slow).toMatch(/SocketError|Error/);
    expect(proc!.output()).toMatch(/requests still in flight after 800 ms/);
  });
});

describe('readiness', () => {
  it('GET /ready is 200 while serving and 503 from the moment shutdown begins, while a request is still in flight', async () => {
    const sandbox = await startSandbox({ seedDemo: true, latencyMs: 600 });
    const config = loadConfig({ NODE_ENV: 'test', GRAPH_API_URL: sandbox.url });
    const gateway = createGateway({ config, graphApiUrl: sandbox.url, logger: createLogger({ level: 'silent' }) });
    const running = await startServer({ gateway, logger: createLogger({ level: 'silent' }), port: 0, host: '127.0.0.1', shutdownTimeoutMs: 5_000 });
    try {
      expect((await fetch(`http://127.0.0.1:${running.port}/ready`)).status).toBe(200);
      const slow = fetch(`http://127.0.0.1:${running.port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${sandbox.demoToken}` },
        body: JSON.stringify({ query: `{ group(id: "${sandbox.demoGroupIds[0]}") { id } }` }),
      });
      while (sandbox.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      const stopped = running.shutdown('test');
      // The listener is closed: ask the same Yoga instance the load balancer's probe would reach.
      expect((await gateway.yoga.fetch('http://gateway/ready')).status).toBe(503);
      expect((await slow).status).toBe(200);
      expect(await stopped).toEqual({ graceful: true });
    } finally {
      await sandbox.close();
    }
  });
});
