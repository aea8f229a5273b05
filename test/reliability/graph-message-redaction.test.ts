import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import type { Fault } from '../../src/sandbox/index.js';
import { startGateway, TEST_TOKEN, type TestGateway } from '../helpers/gateway.js';
import { LogCapture } from '../helpers/log-capture.js';

/**
 * A Graph error message may echo what the caller sent. The sandbox's `graph-error` fault with
 * `echoCredentials` quotes the token and the appsecret_proof of the very request it answers; the
 * test adds the app secret and a proof for another time to the message. None of them may reach
 * the GraphQL response or any log line, even at the most verbose level.
 */
const APP_SECRET = 'app-secret-0123456789abcdef';
const PROOF_SHAPED = /[0-9a-f]{64}/i;

let gw: TestGateway;
let logs: LogCapture;
let id: string;
/** A valid proof for another time: proof-shaped, so replaced even though the gateway did not send it. */
const otherProof = createHmac('sha256', APP_SECRET).update(`${TEST_TOKEN}|1700000000`).digest('hex');
beforeAll(async () => {
  logs = new LogCapture();
  gw = await startGateway({
    env: { WHATSAPP_APP_SECRET: APP_SECRET },
    sandbox: { appSecret: APP_SECRET },
    logger: createLogger({ level: 'trace', destination: logs }),
  });
  id = gw.sandbox.demoGroupIds[0]!;
});
afterAll(() => gw.close());
beforeEach(() => {
  gw.sandbox.faults.clear();
  logs.text = '';
});

const echoing = (status: number, code: number, match?: Fault['match']): Fault => ({
  kind: 'graph-error',
  status,
  code,
  message: `(#${code}) Param app_secret=${APP_SECRET} and proof ${otherProof} are not valid`,
  echoCredentials: true,
  ...(match ? { match } : {}),
});

describe('Graph messages that echo credentials', () => {
  it.each<[string, string, Fault]>([
    ['a single read', `{ group(id: "ID") { id subject } }`, echoing(400, 100)],
    ['a batch read', `{ a: group(id: "ID") { id } b: group(id: "ID2") { id } }`, echoing(400, 190, { kind: 'batch' })],
    ['updateGroup', `mutation { updateGroup(input: { id: "ID", subject: "New" }) { success } }`, echoing(400, 100)],
    ['deleteGroup', `mutation { deleteGroup(input: { id: "ID" }) { success } }`, echoing(403, 10)],
  ])('%s: the response and the logs hold neither the token, the app secret nor a proof', async (_label, query, fault) => {
    gw.sandbox.faults.inject(fault);
    const response = await fetch(gw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_TOKEN}` },
      body: JSON.stringify({ query: query.replace('"ID"', `"${id}"`).replace('"ID2"', `"${gw.sandbox.demoGroupIds[1]!}"`) }),
    });
    const text = await response.text();
    const body = JSON.parse(text) as { errors?: { message: string; extensions?: { code?: string } }[] };
    // The message still says what went wrong, with the secrets replaced.
    expect(body.errors?.[0]?.message).toMatch(/^\(#\d+\) Param app_secret=\[redacted\] and proof \[redacted\] are not valid \(access_token: \[redacted\], appsecret_proof: \[redacted\]\)$/);
    expect(gw.sandbox.requests.length).toBeGreaterThan(0);
    for (const output of [text, logs.text]) {
      expect(output).not.toContain(TEST_TOKEN);
      expect(output).not.toContain(APP_SECRET);
      expect(output).not.toMatch(PROOF_SHAPED);
    }
    // The logs did see the error (at debug), so their silence is not an accident.
    expect(logs.text).toContain('[redacted]');
  });

  it('a very long Graph message is cut at 500 characters', async () => {
    gw.sandbox.faults.inject({ kind: 'graph-error', status: 400, code: 100, message: `(#100) ${'x'.repeat(1_900)}` });
    const { body } = await gw.query(`{ group(id: "${id}") { id } }`);
    const message = body.errors?.[0]?.message ?? '';
    expect(message.startsWith('(#100) xxx')).toBe(true);
    expect(message.length).toBeLessThanOrEqual(500 + '… (truncated)'.length);
    expect(message.endsWith('… (truncated)')).toBe(true);
  });
});
