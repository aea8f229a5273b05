import { afterEach, describe, expect, it } from 'vitest';
import { acceptsConnections } from '../helpers/accepts-connections.js';
import { startGatewayProcess, type GatewayProcess } from '../helpers/start-process.js';

let proc: GatewayProcess | undefined;
afterEach(async () => {
  await proc?.stop('SIGKILL');
  proc = undefined;
});

describe('npm start', () => {
  // Starting tsx, the sandbox and the gateway takes ~7 s alone and over 20 s on a loaded machine: wait generously.
  it('without GRAPH_API_URL serves the sandbox on loopback only: the printed demo token reads a printed demo group', { timeout: 90_000 }, async () => {
    proc = startGatewayProcess({ PORT: '0' });
    const [, url] = await proc.waitFor(/GraphiQL:\s+(http:\S+)/, 80_000);
    const [, token] = await proc.waitFor(/Demo token:\s+(\S+)/);
    const [, groups] = await proc.waitFor(/Demo groups:\s+(.+)/);
    const id = groups!.split(', ')[0]!;
    const response = await fetch(url!, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: `{ group(id: "${id}") { subject participants { waId } } }` }),
    });
    const body = (await response.json()) as { data?: { group?: { subject?: string; participants?: unknown[] } }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data?.group?.subject).toEqual(expect.any(String));
    expect(body.data?.group?.participants?.length).toBeGreaterThan(0);
    const health = await fetch(new URL('/health', url!));
    expect(health.status).toBe(200);
    // HOST unset: loopback only, so the public demo token is not offered to the network. Linux
    // routes all of 127/8 to this machine: a server on every interface would answer 127.0.0.2.
    const port = Number(new URL(url!).port);
    expect(new URL(url!).hostname).toBe('127.0.0.1');
    expect(await acceptsConnections('127.0.0.2', port)).toBe(false);
    expect(proc.output()).toContain('Listening on 127.0.0.1 only (this machine)');
    expect(proc.output()).not.toContain('WARNING');
  });

  it('with HOST=0.0.0.0 the sandbox listens on every interface and the banner warns about the demo token', { timeout: 90_000 }, async () => {
    proc = startGatewayProcess({ PORT: '0', HOST: '0.0.0.0' });
    const [, url] = await proc.waitFor(/GraphiQL:\s+(http:\S+)/, 80_000);
    expect(await acceptsConnections('127.0.0.2', Number(new URL(url!).port))).toBe(true);
    expect(proc.output()).toContain('WARNING: sandbox mode listens on 0.0.0.0 (HOST), not only on loopback');
  });

  // The other refusals (prod spellings, http:// in production) are loadConfig's: test/server/config.test.ts.
  it('NODE_ENV=prod with GRAPH_API_URL set but empty refuses to start, serving no sandbox', { timeout: 90_000 }, async () => {
    proc = startGatewayProcess({ PORT: '0', NODE_ENV: 'prod', GRAPH_API_URL: '' });
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toContain('GRAPH_API_URL: set but empty');
    expect(proc.output()).not.toContain('Demo token');
  });

  it('with NODE_ENV=production and no GRAPH_API_URL refuses to start and says what to set', async () => {
    proc = startGatewayProcess({ PORT: '0', NODE_ENV: 'production' });
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toContain('GRAPH_API_URL: required when NODE_ENV=production');
  });

  it('an invalid setting stops start-up naming every bad variable', async () => {
    proc = startGatewayProcess({ PORT: 'abc', GRAPH_BATCH_MODE: 'sometimes', GRAPH_API_VERSION: '23' });
    expect(await proc.exited).toBe(1);
    const output = proc.output();
    expect(output).toContain('PORT');
    expect(output).toContain('GRAPH_BATCH_MODE');
    expect(output).toContain('GRAPH_API_VERSION: must look like v23.0');
  });
});
