import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { call, get, graphErrorOf } from './graph-client.js';

let sandbox: Sandbox;
let mine: string;
let theirs: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  mine = sandbox.groups.seedGroup({ subject: 'Mine' }).id;
  theirs = sandbox.groups.seedGroup({ subject: 'Theirs' }).id;
  sandbox.tokens.addToken('alice', { groups: [mine] });
  sandbox.tokens.addToken('bob', { groups: [theirs] });
});
afterAll(() => sandbox.close());

describe('access tokens', () => {
  it('a request without a token gets 104, HTTP 401', async () => {
    const res = await get(sandbox.url, `/v23.0/${mine}`);
    expect(res.status).toBe(401);
    expect(graphErrorOf(res)).toEqual({
      message: 'An access token is required to request this resource.',
      type: 'OAuthException',
      code: 104,
      fbtrace_id: expect.any(String),
    });
  });

  it('an unknown token gets 190, HTTP 401', async () => {
    const res = await get(sandbox.url, `/v23.0/${mine}`, 'forged');
    expect(res.status).toBe(401);
    expect(graphErrorOf(res)).toMatchObject({
      message: 'Invalid OAuth access token - Cannot parse access token',
      type: 'OAuthException',
      code: 190,
    });
  });

  it('takes the token from an access_token query parameter too', async () => {
    expect((await get(sandbox.url, `/v23.0/${mine}?access_token=alice`)).status).toBe(200);
  });

  it('a token sees only its own groups: others answer 131041 Group unknown', async () => {
    const res = await get(sandbox.url, `/v23.0/${theirs}?fields=subject`, 'alice');
    expect(res.status).toBe(400);
    expect(graphErrorOf(res)).toEqual({
      message: '(#131041) Group unknown',
      type: 'OAuthException',
      code: 131041,
      error_data: { messaging_product: 'whatsapp', details: 'The group was not found or you are not a member of it.' },
      fbtrace_id: expect.any(String),
    });
  });

  it('an invisible group looks exactly like a missing one', async () => {
    const invisible = graphErrorOf(await get(sandbox.url, `/v23.0/${theirs}`, 'alice'));
    const missing = graphErrorOf(await get(sandbox.url, '/v23.0/Y2FwaV9ncm91cDoxZD', 'alice'));
    expect({ ...invisible, fbtrace_id: 'x' }).toEqual({ ...missing, fbtrace_id: 'x' });
  });

  it("with unknownGroupError '100/33' an unknown group gives Graph's object-not-found error", async () => {
    const graphy = await startSandbox({ unknownGroupError: '100/33' });
    try {
      graphy.tokens.addToken('t', { groups: [] });
      const res = await get(graphy.url, '/v23.0/abc123', 't');
      expect(res.status).toBe(400);
      expect(graphErrorOf(res)).toEqual({
        message:
          "Unsupported get request. Object with ID 'abc123' does not exist, cannot be loaded due to missing permissions, " +
          'or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api',
        type: 'GraphMethodException',
        code: 100,
        error_subcode: 33,
        fbtrace_id: expect.any(String),
      });
      const del = await call(`${graphy.url}/v23.0/abc123`, { method: 'DELETE', headers: { authorization: 'Bearer t' } });
      expect(graphErrorOf(del).message).toMatch(/^Unsupported delete request\. Object with ID 'abc123'/);
    } finally {
      await graphy.close();
    }
  });
});

describe('appsecret_proof when the app secret is set', () => {
  const SECRET = 'app-secret';
  let strict: Sandbox;
  let id: string;
  const hmac = (message: string) => createHmac('sha256', SECRET).update(message).digest('hex');

  beforeAll(async () => {
    strict = await startSandbox({ appSecret: SECRET });
    id = strict.groups.seedGroup().id;
    strict.tokens.addToken('tok', { groups: '*' });
  });
  afterAll(() => strict.close());

  it('accepts a timed proof: HMAC(secret, token|time) with a fresh time', async () => {
    const time = Math.floor(Date.now() / 1000);
    const res = await get(strict.url, `/v23.0/${id}?appsecret_proof=${hmac(`tok|${time}`)}&appsecret_time=${time}`, 'tok');
    expect(res.status).toBe(200);
    expect(strict.requests.at(-1)?.appsecretProof).toBe('timed');
  });

  it('accepts an untimed proof: HMAC(secret, token)', async () => {
    const res = await get(strict.url, `/v23.0/${id}?appsecret_proof=${hmac('tok')}`, 'tok');
    expect(res.status).toBe(200);
    expect(strict.requests.at(-1)?.appsecretProof).toBe('untimed');
  });

  it('refuses a timed proof older than 5 minutes', async () => {
    const time = Math.floor(Date.now() / 1000) - 301;
    const res = await get(strict.url, `/v23.0/${id}?appsecret_proof=${hmac(`tok|${time}`)}&appsecret_time=${time}`, 'tok');
    expect(graphErrorOf(res)).toMatchObject({ code: 100, message: 'Invalid appsecret_proof provided in the API argument' });
  });

  it('refuses a wrong proof with code 100 GraphMethodException', async () => {
    const res = await get(strict.url, `/v23.0/${id}?appsecret_proof=${'0'.repeat(64)}`, 'tok');
    expect(res.status).toBe(400);
    expect(graphErrorOf(res)).toMatchObject({
      code: 100,
      type: 'GraphMethodException',
      message: 'Invalid appsecret_proof provided in the API argument',
    });
    expect(strict.requests.at(-1)?.appsecretProof).toBe('invalid');
  });

  it('refuses a request without a proof', async () => {
    const res = await get(strict.url, `/v23.0/${id}`, 'tok');
    expect(graphErrorOf(res)).toMatchObject({
      code: 100,
      type: 'GraphMethodException',
      message: 'API calls from the server require an appsecret_proof argument',
    });
    expect(strict.requests.at(-1)?.appsecretProof).toBe('absent');
  });
});
