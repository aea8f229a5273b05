import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { graphErrorOf, postForm, postJson } from './graph-client.js';

const TOKEN = 'batcher';
let sandbox: Sandbox;
let a: string;
let b: string;

interface OpResult {
  code: number;
  headers?: { name: string; value: string }[];
  body: string;
}

beforeAll(async () => {
  sandbox = await startSandbox();
  a = sandbox.groups.seedGroup({ subject: 'A' }).id;
  b = sandbox.groups.seedGroup({ subject: 'B' }).id;
  sandbox.tokens.addToken(TOKEN, { groups: [a, b] });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.clearRequests());

const batch = (ops: unknown, extra: Record<string, string> = {}, path = '/v23.0/') =>
  postForm(sandbox.url, path, { batch: JSON.stringify(ops), ...extra }, TOKEN);

describe('POST / with batch=[…]', () => {
  it('answers each operation in order; a failing one carries its own error while others succeed', async () => {
    const res = await batch([
      { method: 'GET', relative_url: `v23.0/${a}?fields=subject` },
      { method: 'GET', relative_url: 'v23.0/unknown-group?fields=subject' },
      { method: 'GET', relative_url: `/${b}?fields=subject` },
    ]);
    expect(res.status).toBe(200);
    const results = res.json as OpResult[];
    expect(results.map((r) => r.code)).toEqual([200, 400, 200]);
    expect(JSON.parse(results[0]?.body ?? '')).toEqual({ subject: 'A', id: a });
    expect(JSON.parse(results[1]?.body ?? '')).toMatchObject({ error: { code: 131041 } });
    expect(JSON.parse(results[2]?.body ?? '')).toEqual({ subject: 'B', id: b });
    expect(results[0]?.headers).toContainEqual({ name: 'Content-Type', value: 'application/json; charset=UTF-8' });
  });

  it('records one batch request with every operation, its ids in order and the union of fields', async () => {
    await batch([
      { method: 'GET', relative_url: `${a}?fields=subject,description` },
      { method: 'GET', relative_url: `${b}?fields=subject,participants` },
    ]);
    expect(sandbox.requests).toHaveLength(1);
    expect(sandbox.requests[0]).toMatchObject({
      method: 'POST',
      kind: 'batch',
      ids: [a, b],
      fields: ['subject', 'description', 'participants'],
      batchOps: [
        { method: 'GET', relativeUrl: `${a}?fields=subject,description` },
        { method: 'GET', relativeUrl: `${b}?fields=subject,participants` },
      ],
      status: 200,
    });
  });

  it('is served at the unversioned root too', async () => {
    const res = await batch([{ method: 'GET', relative_url: `${a}?fields=subject` }], {}, '/');
    expect((res.json as OpResult[])[0]?.code).toBe(200);
  });

  it('takes a JSON body {"batch": [...]} as well', async () => {
    const res = await postJson(sandbox.url, '/v23.0/', { batch: [{ method: 'GET', relative_url: `${a}?fields=subject` }] }, TOKEN);
    expect((res.json as OpResult[])[0]?.code).toBe(200);
  });

  it('leaves headers out with include_headers=false', async () => {
    const res = await batch([{ method: 'GET', relative_url: `${a}` }], { include_headers: 'false' });
    expect((res.json as OpResult[])[0]).toEqual({ code: 200, body: JSON.stringify({ id: a, messaging_product: 'whatsapp' }) });
  });

  it('runs POST and DELETE operations through the same handlers as direct calls', async () => {
    const c = sandbox.groups.seedGroup({ subject: 'C' }).id;
    sandbox.tokens.grant(TOKEN, c);
    const res = await batch([
      { method: 'POST', relative_url: `v23.0/${c}`, body: 'messaging_product=whatsapp&subject=Renamed' },
      { method: 'POST', relative_url: `v23.0/${c}`, body: 'subject=NoProduct' },
      { method: 'DELETE', relative_url: `v23.0/${c}` },
    ]);
    const results = res.json as OpResult[];
    expect(results.map((r) => [r.code, JSON.parse(r.body)])).toEqual([
      [200, { success: true }],
      [400, { error: expect.objectContaining({ code: 100, message: '(#100) The parameter messaging_product is required.' }) }],
      [200, { success: true }],
    ]);
    expect(sandbox.groups.get(c)).toBeUndefined();
  });

  it('serves ?ids= operations', async () => {
    const res = await batch([{ method: 'GET', relative_url: `?ids=${a},${b}&fields=subject` }]);
    expect(JSON.parse((res.json as OpResult[])[0]?.body ?? '')).toEqual({ [a]: { subject: 'A', id: a }, [b]: { subject: 'B', id: b } });
    expect(sandbox.requests[0]?.ids).toEqual([a, b]);
  });

  it('refuses 51 operations with code 1', async () => {
    const ops = Array.from({ length: 51 }, () => ({ method: 'GET', relative_url: a }));
    const res = await batch(ops);
    expect(res.status).toBe(400);
    expect(graphErrorOf(res)).toMatchObject({ code: 1, message: '(#1) Too many requests in batch message. Maximum batch size is 50' });
  });

  it('accepts exactly 50 operations', async () => {
    const ops = Array.from({ length: 50 }, () => ({ method: 'GET', relative_url: a }));
    expect(((await batch(ops)).json as OpResult[]).length).toBe(50);
  });

  it('answers a batch parameter that is not JSON with code 100, and keeps serving', async () => {
    const res = await postForm(sandbox.url, '/v23.0/', { batch: '[{"method":' }, TOKEN);
    expect(res.status).toBe(400);
    expect(graphErrorOf(res)).toMatchObject({ code: 100, type: 'GraphBatchException' });
    expect((await batch([{ relative_url: a }])).status).toBe(200);
  });

  it('refuses operations without relative_url', async () => {
    expect(graphErrorOf(await batch([{ method: 'GET' }])).code).toBe(100);
  });

  it('requires the top-level token', async () => {
    const res = await postForm(sandbox.url, '/v23.0/', { batch: JSON.stringify([{ relative_url: a }]) });
    expect(graphErrorOf(res).code).toBe(104);
  });

  it('an operation with an unknown version fails alone with 2500', async () => {
    const res = await batch([{ relative_url: `v1.5/${a}` }, { relative_url: a }]);
    expect((res.json as OpResult[]).map((r) => r.code)).toEqual([400, 200]);
  });
});

describe('mechanisms switched off', () => {
  let strict: Sandbox;
  beforeAll(async () => {
    strict = await startSandbox({ mechanisms: { batch: false, ids: false } });
    strict.tokens.addToken('t', { groups: '*' });
  });
  afterAll(() => strict.close());

  it('mechanisms.batch=false: the emulated Meta refuses batches with (#100) GraphMethodException', async () => {
    const id = strict.groups.seedGroup().id;
    const res = await postForm(strict.url, '/v23.0/', { batch: JSON.stringify([{ relative_url: id }]) }, 't');
    expect(res.status).toBe(400);
    expect(graphErrorOf(res)).toMatchObject({ code: 100, type: 'GraphMethodException', message: expect.stringMatching(/^\(#100\) /) });
  });

  it('mechanisms.ids=false: the emulated Meta refuses ?ids= reads, single reads still work', async () => {
    const id = strict.groups.seedGroup().id;
    const res = await fetch(`${strict.url}/v23.0/?ids=${id}`, { headers: { authorization: 'Bearer t' } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe('GraphMethodException');
    expect((await fetch(`${strict.url}/v23.0/${id}`, { headers: { authorization: 'Bearer t' } })).status).toBe(200);
  });
});
