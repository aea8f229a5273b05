import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { startGateway, TEST_TOKEN, type TestGateway } from '../helpers/gateway.js';
import { LogCapture } from '../helpers/log-capture.js';

/**
 * A bug (any error that is not the gateway's own) reaches the client as "Unexpected error." with
 * INTERNAL_SERVER_ERROR and nothing else; what went wrong is in the log only. No code path of the
 * gateway throws one on purpose (every upstream shape the tests could think of becomes a
 * GatewayError), so the bug is planted: the real Graph client's `call` throws a TypeError once.
 */
let gw: TestGateway;
let logs: LogCapture;
beforeAll(async () => {
  logs = new LogCapture();
  gw = await startGateway({ logger: createLogger({ level: 'info', destination: logs }) });
});
afterAll(() => gw.close());

describe('an unexpected error in a resolver', () => {
  it('is "Unexpected error." with INTERNAL_SERVER_ERROR for the client, its details in the log only', async () => {
    const id = gw.sandbox.demoGroupIds[0]!;
    const bug = new TypeError("Cannot read properties of undefined (reading 'internal_detail_42')");
    vi.spyOn(gw.gateway.client, 'call').mockRejectedValueOnce(bug);
    const response = await fetch(gw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_TOKEN}`, 'x-request-id': 'req-bug-1' },
      body: JSON.stringify({ query: `{ group(id: "${id}") { id subject } }` }),
    });
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      data: { group: null },
      errors: [{ message: 'Unexpected error.', locations: [{ line: 1, column: 3 }], path: ['group'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
    });
    expect(text).not.toMatch(/TypeError|internal_detail_42|stack|\.ts:/);

    const lines = logs.text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { level: number; msg: string; requestId?: string; err?: { type: string; message: string; stack: string } });
    expect(lines.filter((line) => line.level >= 50)).toEqual([
      expect.objectContaining({
        requestId: 'req-bug-1',
        msg: 'unexpected error',
        err: expect.objectContaining({ message: expect.stringContaining('internal_detail_42'), stack: expect.stringContaining('TypeError') }),
      }),
    ]);
    expect(lines.find((line) => line.msg === 'graphql request' && line.requestId === 'req-bug-1')).toMatchObject({ errorCodes: ['INTERNAL_SERVER_ERROR'] });
    expect(logs.text).not.toContain(TEST_TOKEN);
  });
});
