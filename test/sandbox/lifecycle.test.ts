import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { bearer, call, get, graphErrorOf } from './graph-client.js';

async function timed<T>(work: Promise<T>): Promise<number> {
  const started = performance.now();
  await work;
  return performance.now() - started;
}

describe('close()', () => {
  it('does not hang on idle keep-alive connections', async () => {
    const s = await startSandbox();
    s.tokens.addToken('t', { groups: '*' });
    await Promise.all(Array.from({ length: 5 }, () => get(s.url, '/v23.0/x', 't')));
    expect(await timed(s.close())).toBeLessThan(1000);
  });

  it('does not hang on a request held by a hang fault, nor during latency', async () => {
    const s = await startSandbox({ latencyMs: 60_000 });
    s.tokens.addToken('t', { groups: '*' });
    s.faults.inject({ kind: 'hang' });
    const hung = fetch(`${s.url}/v23.0/x`, { headers: bearer('t') }).catch((e: unknown) => e);
    const slow = fetch(`${s.url}/v23.0/y`, { headers: bearer('t') }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    expect(await timed(s.close())).toBeLessThan(1000);
    expect(await hung).toBeInstanceOf(Error);
    expect(await slow).toBeInstanceOf(Error);
  });

  it('can be called twice', async () => {
    const s = await startSandbox();
    await Promise.all([s.close(), s.close()]);
  });
});

describe('latencyMs', () => {
  let s: Sandbox;
  beforeAll(async () => {
    s = await startSandbox({ latencyMs: 150 });
    s.tokens.addToken('t', { groups: '*' });
  });
  afterAll(() => s.close());

  it('delays every Graph response without blocking the others', async () => {
    const elapsed = await timed(Promise.all(Array.from({ length: 10 }, () => get(s.url, '/v23.0/x', 't'))));
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(1000);
  });

  it('does not delay admin routes', async () => {
    expect(await timed(call(`${s.url}/__sandbox/state`))).toBeLessThan(140);
  });
});

describe('robustness', () => {
  let s: Sandbox;
  let id: string;
  beforeAll(async () => {
    s = await startSandbox();
    s.tokens.addToken('t', { groups: '*' });
    id = s.groups.seedGroup().id;
  });
  afterAll(() => s.close());

  it('answers a body over 1 MiB with HTTP 413 and keeps serving', async () => {
    const res = await call(`${s.url}/v23.0/${id}`, {
      method: 'POST',
      headers: { ...bearer('t'), 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', description: 'x'.repeat(1024 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect(graphErrorOf(res)).toMatchObject({ code: 100, message: '(#100) Request body too large' });
    expect((await get(s.url, `/v23.0/${id}`, 't')).status).toBe(200);
  });

  it('answers a malformed JSON body with code 100', async () => {
    const res = await call(`${s.url}/v23.0/${id}`, {
      method: 'POST',
      headers: { ...bearer('t'), 'content-type': 'application/json' },
      body: '{"messaging_product": "whatsa',
    });
    expect(res.status).toBe(400);
    expect(graphErrorOf(res)).toMatchObject({ code: 100, error_data: { details: 'The request body could not be parsed.' } });
  });

  it('answers a multipart body without a boundary with code 100', async () => {
    const res = await call(`${s.url}/v23.0/${id}`, {
      method: 'POST',
      headers: { ...bearer('t'), 'content-type': 'multipart/form-data' },
      body: 'garbage',
    });
    expect(graphErrorOf(res).code).toBe(100);
  });

  it('survives a client that aborts mid-body', async () => {
    await new Promise<void>((resolve) => {
      const req = httpRequest(`${s.url}/v23.0/${id}`, {
        method: 'POST',
        headers: { ...bearer('t'), 'content-type': 'application/json', 'content-length': '1000' },
      });
      req.on('error', () => resolve());
      req.write('{"messaging_product":', () => setTimeout(() => req.destroy(), 20));
    });
    expect((await get(s.url, `/v23.0/${id}`, 't')).status).toBe(200);
  });

  it('cuts the connection of an endless upload past 16 MiB and keeps serving', async () => {
    const outcome = await call(`${s.url}/v23.0/${id}`, {
      method: 'POST',
      headers: { ...bearer('t'), 'content-type': 'application/octet-stream' },
      body: Buffer.alloc(17 * 1024 * 1024),
    }).then((r) => r.status, () => 'network error');
    expect([413, 'network error']).toContain(outcome);
    expect((await get(s.url, `/v23.0/${id}`, 't')).status).toBe(200);
  });

  it('answers an unsupported method as Graph does', async () => {
    const res = await call(`${s.url}/v23.0/${id}`, { method: 'PUT', headers: bearer('t') });
    expect(graphErrorOf(res)).toMatchObject({ code: 100, type: 'GraphMethodException', message: expect.stringMatching(/^Unsupported put request/) });
  });
});
