import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Fault, type Sandbox } from '../../src/sandbox/index.js';
import { bearer, call, get, graphErrorOf, postJson } from './graph-client.js';

const TOKEN = 'faulty';
let sandbox: Sandbox;
let id: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  sandbox.tokens.addToken(TOKEN, { groups: '*' });
  id = sandbox.groups.seedGroup({ subject: 'Target' }).id;
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.faults.clear();
  sandbox.clearRequests();
});

const read = () => get(sandbox.url, `/v23.0/${id}?fields=subject`, TOKEN);

describe('injected faults', () => {
  it('latency: answers normally, but only after the extra delay', async () => {
    sandbox.faults.inject({ kind: 'latency', ms: 150 });
    const started = performance.now();
    const res = await read();
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(res.json).toEqual({ subject: 'Target', id });
  });

  it('hang: never answers; the log records status 0 and later requests are served', async () => {
    sandbox.faults.inject({ kind: 'hang' });
    await expect(fetch(`${sandbox.url}/v23.0/${id}`, { headers: bearer(TOKEN), signal: AbortSignal.timeout(200) })).rejects.toThrow();
    expect(sandbox.requests[0]).toMatchObject({ kind: 'read', status: 0 });
    expect((await read()).status).toBe(200);
  });

  it('status 503: Graph code 2, transient, HTTP 503', async () => {
    sandbox.faults.inject({ kind: 'status', status: 503 });
    const res = await read();
    expect(res.status).toBe(503);
    expect(graphErrorOf(res)).toMatchObject({ code: 2, type: 'OAuthException', is_transient: true });
    expect(sandbox.requests[0]?.status).toBe(503);
  });

  it('status 500 with a named Graph code and transient flag', async () => {
    sandbox.faults.inject({ kind: 'status', status: 500, graphCode: 131000, transient: true });
    const res = await read();
    expect(res.status).toBe(500);
    expect(graphErrorOf(res)).toMatchObject({
      code: 131000,
      message: '(#131000) Something went wrong',
      error_data: { messaging_product: 'whatsapp', details: 'Something went wrong' },
      is_transient: true,
    });
  });

  it('status 502 without a code: Graph code 1, not transient', async () => {
    sandbox.faults.inject({ kind: 'status', status: 502 });
    const res = await read();
    expect(res.status).toBe(502);
    expect(graphErrorOf(res)).toMatchObject({ code: 1, is_transient: false });
  });

  it('reset: the connection drops without an answer; the log records status 0', async () => {
    sandbox.faults.inject({ kind: 'reset' });
    await expect(read()).rejects.toThrow();
    expect(sandbox.requests).toHaveLength(1);
    expect(sandbox.requests[0]?.status).toBe(0);
    expect((await read()).status).toBe(200);
  });

  it.each([
    [4, 400, '(#4) Application request limit reached'],
    [80007, 400, '(#80007) Rate limit issues'],
    [80008, 400, '(#80008) There have been too many calls to this WhatsApp Business account. Wait a bit and try again.'],
    [130429, 400, '(#130429) Rate limit hit'],
    [131056, 400, '(#131056) (Business Account, Consumer Account) pair rate limit hit'],
    [131208, 429, '(#131208) Group Rate Limit Hit'],
  ] as const)('throttle %i: HTTP %i, its message, and the BUC header with the regain time', async (code, status, message) => {
    sandbox.faults.inject({ kind: 'throttle', code, regainMinutes: 7 });
    const res = await read();
    expect(res.status).toBe(status);
    expect(graphErrorOf(res)).toMatchObject({ code, message, is_transient: true, error_data: { messaging_product: 'whatsapp' } });
    const buc = JSON.parse(res.headers.get('x-business-use-case-usage') ?? '{}') as Record<string, { estimated_time_to_regain_access: number }[]>;
    expect(Object.values(buc)[0]?.[0]?.estimated_time_to_regain_access).toBe(7);
    expect(res.headers.get('x-app-usage')).not.toBeNull();
  });

  it('malformed-json: HTTP 200 with a JSON content type and a body that does not parse', async () => {
    sandbox.faults.inject({ kind: 'malformed-json' });
    const res = await read();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(() => JSON.parse(res.text)).toThrow();
  });

  it('wrong-content-type: HTTP 200 with an HTML page instead of JSON', async () => {
    sandbox.faults.inject({ kind: 'wrong-content-type' });
    const res = await read();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.text).toMatch(/^<!DOCTYPE html>/);
  });

  it('empty-204: HTTP 204 with no body', async () => {
    sandbox.faults.inject({ kind: 'empty-204' });
    const res = await read();
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(sandbox.requests[0]).toMatchObject({ status: 204, responseBytes: 0 });
  });

  it('graph-error: the envelope asked for, without a code when none is given', async () => {
    sandbox.faults.inject({ kind: 'graph-error', status: 403, code: 131215, message: '(#131215) Phone number not eligible' });
    const res = await read();
    expect(res.status).toBe(403);
    expect(res.json).toEqual({ error: { message: '(#131215) Phone number not eligible', type: 'OAuthException', code: 131215, fbtrace_id: expect.any(String) } });
    sandbox.faults.inject({ kind: 'graph-error', status: 401 });
    const bare = await read();
    expect(bare.status).toBe(401);
    expect(bare.json).toEqual({ error: { message: 'Unauthorized', type: 'OAuthException', fbtrace_id: expect.any(String) } });
  });

  it('graph-error with echoCredentials quotes the token and appsecret_proof the request carried', async () => {
    sandbox.faults.inject({ kind: 'graph-error', status: 400, code: 100, message: '(#100) Invalid parameter', echoCredentials: true });
    const res = await get(sandbox.url, `/v23.0/${id}?fields=subject&appsecret_proof=abc123`, TOKEN);
    expect((res.json as { error: { message: string } }).error.message).toBe(`(#100) Invalid parameter (access_token: ${TOKEN}, appsecret_proof: abc123)`);
  });

  it('a faulted write has no effect', async () => {
    sandbox.faults.inject({ kind: 'status', status: 503 });
    await postJson(sandbox.url, `/v23.0/${id}`, { messaging_product: 'whatsapp', subject: 'Changed' }, TOKEN);
    expect(sandbox.groups.get(id)?.subject).toBe('Target');
  });

  it('times: applies to that many requests, then requests are served again', async () => {
    sandbox.faults.inject({ kind: 'empty-204', times: 2 });
    expect([(await read()).status, (await read()).status, (await read()).status]).toEqual([204, 204, 200]);
  });

  it('match: only requests of that kind and method are hit', async () => {
    sandbox.faults.inject({ kind: 'status', status: 503, match: { method: 'post', kind: 'update' } });
    expect((await read()).status).toBe(200);
    const update = await postJson(sandbox.url, `/v23.0/${id}`, { messaging_product: 'whatsapp' }, TOKEN);
    expect(update.status).toBe(503);
    expect(sandbox.requests.map((r) => [r.kind, r.status])).toEqual([['read', 200], ['update', 503]]);
  });

  it('faults queue in injection order', async () => {
    sandbox.faults.inject({ kind: 'empty-204' });
    sandbox.faults.inject({ kind: 'status', status: 503 });
    expect([(await read()).status, (await read()).status]).toEqual([204, 503]);
  });

  it('an invalid fault is refused with a TypeError', () => {
    expect(() => sandbox.faults.inject({ kind: 'status', status: 200 } as Fault)).toThrow(TypeError);
    expect(() => sandbox.faults.inject({ kind: 'throttle', code: 5 } as unknown as Fault)).toThrow(TypeError);
  });

  it('admin routes are never faulted', async () => {
    sandbox.faults.inject({ kind: 'status', status: 503 });
    expect((await call(`${sandbox.url}/__sandbox/state`)).status).toBe(200);
    expect((await read()).status).toBe(503);
  });
});

describe('random faults', () => {
  it('rate 1 hits every Graph request with one of the kinds; null turns them off', async () => {
    sandbox.faults.setRandom({ rate: 1, kinds: ['empty-204'] });
    expect([(await read()).status, (await read()).status]).toEqual([204, 204]);
    sandbox.faults.setRandom(null);
    expect((await read()).status).toBe(200);
  });

  it('the same seed gives the same sequence of faults', async () => {
    const statuses = async (): Promise<number[]> => {
      sandbox.faults.setRandom({ rate: 0.5, kinds: ['empty-204', 'status'], seed: 42 });
      const out: number[] = [];
      for (let i = 0; i < 12; i++) out.push((await read()).status);
      return out;
    };
    const first = await statuses();
    expect(await statuses()).toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(1);
  });

  it('explicit faults take precedence over random ones', async () => {
    sandbox.faults.setRandom({ rate: 1, kinds: ['empty-204'] });
    sandbox.faults.inject({ kind: 'status', status: 503 });
    expect([(await read()).status, (await read()).status]).toEqual([503, 204]);
  });
});
