import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type RecordedRequest, type Sandbox, type StoredGroup } from '../../src/sandbox/index.js';
import { call, get } from './graph-client.js';

let sandbox: Sandbox;
const admin = (path: string, method = 'GET', body?: unknown) =>
  call(`${sandbox.url}/__sandbox/${path}`, {
    method,
    ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.faults.clear();
  sandbox.clearRequests();
});

describe('admin API (/__sandbox/, emulator only)', () => {
  it('POST groups seeds a group and POST tokens grants a token, usable over Graph at once', async () => {
    const seeded = await admin('groups', 'POST', { subject: 'From admin', participants: 2 });
    expect(seeded.status).toBe(201);
    const group = seeded.json as StoredGroup;
    expect(group).toMatchObject({ subject: 'From admin', participants: [expect.any(Object), expect.any(Object)] });
    expect((await admin('tokens', 'POST', { token: 'bench', groups: [group.id] })).status).toBe(201);
    const read = await get(sandbox.url, `/v23.0/${group.id}?fields=subject`, 'bench');
    expect(read.json).toEqual({ subject: 'From admin', id: group.id });
  });

  it('GET requests returns the log; DELETE requests empties it; admin calls are not logged', async () => {
    sandbox.tokens.addToken('t', { groups: '*' });
    await get(sandbox.url, '/v23.0/unknown', 't');
    const log = await admin('requests');
    expect((log.json as RecordedRequest[]).map((r) => [r.kind, r.status])).toEqual([['read', 400]]);
    expect((await admin('requests', 'DELETE')).status).toBe(204);
    expect((await admin('requests')).json).toEqual([]);
  });

  it('POST faults injects a fault; DELETE faults clears them', async () => {
    sandbox.tokens.addToken('t', { groups: '*' });
    expect((await admin('faults', 'POST', { kind: 'empty-204', times: 5 })).status).toBe(201);
    expect((await get(sandbox.url, '/v23.0/x', 't')).status).toBe(204);
    expect((await admin('faults', 'DELETE')).status).toBe(204);
    expect((await get(sandbox.url, '/v23.0/x', 't')).status).toBe(400);
  });

  it('POST faults/random sets random faults; null turns them off', async () => {
    sandbox.tokens.addToken('t', { groups: '*' });
    await admin('faults/random', 'POST', { rate: 1, kinds: ['status'], seed: 1 });
    expect((await get(sandbox.url, '/v23.0/x', 't')).status).toBe(503);
    await admin('faults/random', 'POST', null);
    expect((await get(sandbox.url, '/v23.0/x', 't')).status).toBe(400);
  });

  it('GET state counts groups, tokens, requests and faults', async () => {
    const before = (await admin('state')).json as Record<string, number>;
    sandbox.groups.seedGroup();
    await admin('faults', 'POST', { kind: 'hang', match: { kind: 'delete' } });
    expect((await admin('state')).json).toEqual({
      groups: (before.groups ?? 0) + 1,
      tokens: before.tokens,
      requests: 0,
      pendingFaults: 1,
      randomFaultRate: 0,
    });
  });

  it('refuses invalid input with 400 {"sandboxError"} and unknown routes with 404', async () => {
    const bad = await admin('faults', 'POST', { kind: 'status', status: 99 });
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({ sandboxError: expect.stringContaining('status') });
    expect((await admin('groups', 'POST', { participants: 9 })).status).toBe(400);
    expect((await call(`${sandbox.url}/__sandbox/faults`, { method: 'POST', body: '{nope' })).status).toBe(400);
    expect((await admin('nothing-here')).status).toBe(404);
  });
});
