import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Fault } from '../../src/sandbox/index.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

/**
 * Every Graph error code of the README's error table, one row each, end to end: the sandbox answers
 * the read with that envelope, the client sees the gateway code and the Graph code, and none of
 * these is retried (only 5xx and transient codes are).
 */
let gw: TestGateway;
let id: string;
beforeAll(async () => {
  gw = await startGateway({ env: { UPSTREAM_RETRIES: '2' } });
  id = gw.sandbox.demoGroupIds[0]!;
});
afterAll(() => gw.close());
/** A token per test: a throttle closes its token's scope (graph/throttle-memory.ts), which must not refuse the next row. */
let token = '';
let tokens = 0;
beforeEach(() => {
  gw.sandbox.faults.clear();
  gw.takeUpstreamRequests();
  token = `error-codes-token-${++tokens}`;
  gw.sandbox.tokens.addToken(token, { groups: '*' });
});
const readGroup = (selection: string) => gw.query(`{ group(id: "${id}") { ${selection} } }`, undefined, { authorization: `Bearer ${token}` });

type Row = [label: string, status: number, code: number | undefined, expected: string];

describe('each Graph error code becomes its gateway code', () => {
  it.each<Row>([
    ['17 (user request limit)', 400, 17, 'RATE_LIMITED'],
    ['32 (page request limit)', 400, 32, 'RATE_LIMITED'],
    ['613 (calls within one hour)', 400, 613, 'RATE_LIMITED'],
    ['3 (capability), even with HTTP 500', 500, 3, 'FORBIDDEN'],
    ['200 (permission, first of 200-299)', 403, 200, 'FORBIDDEN'],
    ['250 (permission, inside 200-299)', 403, 250, 'FORBIDDEN'],
    ['299 (permission, last of 200-299)', 403, 299, 'FORBIDDEN'],
    ['368 (blocked for policy violations)', 403, 368, 'FORBIDDEN'],
    ['131005 (access denied)', 403, 131005, 'FORBIDDEN'],
    ['131031 (account locked)', 403, 131031, 'FORBIDDEN'],
    ['131215 (number not eligible for groups)', 400, 131215, 'FORBIDDEN'],
    ['0 (AuthException)', 401, 0, 'UNAUTHENTICATED'],
    ['102 (session key invalid)', 401, 102, 'UNAUTHENTICATED'],
    ['463 (token expired)', 401, 463, 'UNAUTHENTICATED'],
    ['467 (token invalid)', 401, 467, 'UNAUTHENTICATED'],
    ['a 401 without a code', 401, undefined, 'UNAUTHENTICATED'],
  ])('%s is %s, sent once', async (_label, status, code, expected) => {
    const fault: Fault = { kind: 'graph-error', status, ...(code === undefined ? {} : { code }), times: 5 };
    gw.sandbox.faults.inject(fault);
    const { body } = await readGroup('id subject');
    expect(body.data).toEqual({ group: null });
    expect(body.errors).toEqual([
      expect.objectContaining({
        path: ['group'],
        extensions: {
          code: expected,
          graphApi: code === undefined ? { type: 'OAuthException', fbtraceId: expect.any(String) } : expect.objectContaining({ code }),
          // No usage header: the app-limit backoff's first wait (graph/throttle-scopes.ts).
          ...(expected === 'RATE_LIMITED' ? { retryAfterSeconds: 60 } : {}),
        },
      }),
    ]);
    expect(gw.takeUpstreamRequests().map((r) => r.status)).toEqual([status]);
  });

  it('300 (outside 200-299) with HTTP 400 is not FORBIDDEN but BAD_USER_INPUT', async () => {
    gw.sandbox.faults.inject({ kind: 'graph-error', status: 400, code: 300 });
    const { body } = await readGroup('id');
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
