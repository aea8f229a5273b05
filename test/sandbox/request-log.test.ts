import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { call, get } from './graph-client.js';

const TOKEN = 'log-token-secret-value';
let sandbox: Sandbox;
let id: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  id = sandbox.groups.seedGroup().id;
  sandbox.tokens.addToken(TOKEN, { groups: '*' });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.clearRequests());

describe('request log', () => {
  it('records method, path, kind, ids, fields, status and sizes of each Graph request', async () => {
    const res = await call(`${sandbox.url}/v23.0/${id}?fields=subject,participants`, {
      headers: { authorization: `Bearer ${TOKEN}`, 'x-request-id': 'req-42' },
    });
    expect(sandbox.requests).toEqual([
      {
        method: 'GET',
        path: `/v23.0/${id}`,
        kind: 'read',
        ids: [id],
        fields: ['subject', 'participants'],
        status: 200,
        requestId: 'req-42',
        tokenFingerprint: createHash('sha256').update(TOKEN).digest('hex').slice(0, 8),
        bodyBytes: 0,
        responseBytes: Buffer.byteLength(res.text),
      },
    ]);
  });

  it('never holds the token itself', async () => {
    await get(sandbox.url, `/v23.0/${id}?access_token=${TOKEN}`);
    expect(JSON.stringify(sandbox.requests)).not.toContain(TOKEN);
  });

  it('records fields as null when the parameter is absent, and counts body bytes', async () => {
    await call(`${sandbox.url}/v23.0/${id}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: '{"messaging_product":"whatsapp"}',
    });
    expect(sandbox.requests[0]).toMatchObject({ kind: 'update', fields: null, bodyBytes: 32, status: 200 });
  });

  it('keeps arrival order and clearRequests() empties the same array in place', async () => {
    const log = sandbox.requests;
    await get(sandbox.url, `/v23.0/${id}`, TOKEN);
    await get(sandbox.url, `/v23.0/?ids=${id}`, TOKEN);
    expect(log.map((r) => r.kind)).toEqual(['read', 'ids']);
    sandbox.clearRequests();
    expect(log).toHaveLength(0);
    expect(sandbox.requests).toBe(log);
  });

  it('records requests that failed before auth, without a fingerprint', async () => {
    await get(sandbox.url, `/v23.0/${id}`);
    expect(sandbox.requests[0]).toMatchObject({ status: 401, kind: 'read' });
    expect(sandbox.requests[0]?.tokenFingerprint).toBeUndefined();
  });

  it('does not judge appsecret_proof when no app secret is configured', async () => {
    await get(sandbox.url, `/v23.0/${id}`, TOKEN);
    expect(sandbox.requests[0]?.appsecretProof).toBeUndefined();
  });
});
