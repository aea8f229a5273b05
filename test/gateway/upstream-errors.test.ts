import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

describe('upstream errors keep the Graph envelope in extensions.graphApi', () => {
  it('an unknown group (131041) is NOT_FOUND', async () => {
    gw = await startGateway();
    const { body } = await gw.query('{ group(id: "Y2FwaV9ncm91cDpnb25l") { subject } }');
    expect(body.data).toEqual({ group: null });
    expect(body.errors).toEqual([
      {
        message: expect.stringMatching(/^\(#131041\)/),
        locations: [{ line: 1, column: 3 }],
        path: ['group'],
        extensions: {
          code: 'NOT_FOUND',
          graphApi: { code: 131041, type: expect.any(String), fbtraceId: expect.any(String) },
        },
      },
    ]);
  });

  it('an unknown object in the generic Graph shape (100, subcode 33) is NOT_FOUND too', async () => {
    gw = await startGateway({ sandbox: { unknownGroupError: '100/33' } });
    const { body } = await gw.query('{ group(id: "Y2FwaV9ncm91cDpnb25l") { subject } }');
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', graphApi: { code: 100, subcode: 33, type: 'GraphMethodException' } });
  });

  it.each([4, 80007, 130429, 131208] as const)('throttling code %s is RATE_LIMITED whatever its HTTP status', async (code) => {
    gw = await startGateway();
    gw.sandbox.faults.inject({ kind: 'throttle', code, regainMinutes: 2 });
    const { body } = await gw.query(`{ group(id: "${gw.sandbox.demoGroupIds[0]}") { subject } }`);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', graphApi: { code }, retryAfterSeconds: 120 });
  });

  it('a body that is not JSON is UPSTREAM_ERROR', async () => {
    gw = await startGateway();
    gw.sandbox.faults.inject({ kind: 'malformed-json' });
    const { body } = await gw.query(`{ group(id: "${gw.sandbox.demoGroupIds[0]}") { subject } }`);
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'UPSTREAM_ERROR' });
  });

  it('a dropped connection is UPSTREAM_ERROR and the next request is served', async () => {
    gw = await startGateway();
    const id = gw.sandbox.demoGroupIds[0]!;
    gw.sandbox.faults.inject({ kind: 'reset', times: 10 });
    const failed = await gw.query(`{ group(id: "${id}") { subject } }`);
    expect(failed.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_ERROR');
    gw.sandbox.faults.clear();
    const next = await gw.query(`{ group(id: "${id}") { subject } }`);
    expect(next.body.errors).toBeUndefined();
  });

  it('an upstream that does not answer in UPSTREAM_TIMEOUT_MS is UPSTREAM_TIMEOUT', async () => {
    gw = await startGateway({ env: { UPSTREAM_TIMEOUT_MS: '300' } });
    gw.sandbox.faults.inject({ kind: 'hang' });
    const started = Date.now();
    const { body } = await gw.query(`{ group(id: "${gw.sandbox.demoGroupIds[0]}") { subject } }`);
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'UPSTREAM_TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
