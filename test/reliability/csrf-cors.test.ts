import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeJpeg } from '../../support/jpeg.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

/**
 * CSRF: a browser sends GETs and form, multipart and text/plain POSTs cross-site without a
 * preflight, so those must carry `x-graphql-yoga-csrf` or `apollo-require-preflight`; JSON POSTs
 * always preflight. CORS: only CORS_ORIGINS get CORS headers.
 */
let gw: TestGateway;
let id: string;
let auth: Record<string, string>;
beforeAll(async () => {
  gw = await startGateway();
  id = gw.sandbox.demoGroupIds[0]!;
  auth = { authorization: `Bearer ${gw.sandbox.demoToken}` };
});
afterAll(() => gw.close());
beforeEach(() => void gw.takeUpstreamRequests());

function getUrl(query: string) {
  return `${gw.url}?query=${encodeURIComponent(query)}`;
}

function uploadForm(): FormData {
  const form = new FormData();
  form.set('operations', JSON.stringify({
    query: 'mutation ($f: Upload!) { updateGroup(input: { id: "' + id + '", profilePicture: $f }) { success } }',
    variables: { f: null },
  }));
  form.set('map', JSON.stringify({ 0: ['variables.f'] }));
  form.set('0', new Blob([new Uint8Array(makeJpeg(640, 640))], { type: 'image/jpeg' }), 'p.jpg');
  return form;
}

async function expectForbidden(response: Response) {
  expect(response.status).toBe(403);
  expect(await response.json()).toEqual({ errors: [{ message: 'Required CSRF header(s) not present', extensions: { code: 'FORBIDDEN' } }] });
  expect(gw.takeUpstreamRequests()).toEqual([]);
}

describe('CSRF prevention', () => {
  it('a GET without a CSRF header is 403 FORBIDDEN, before any upstream call', async () => {
    await expectForbidden(await fetch(getUrl(`{ group(id: "${id}") { id } }`), { headers: auth }));
  });

  it.each(['x-graphql-yoga-csrf', 'apollo-require-preflight'])('a GET with %s is served', async (header) => {
    const response = await fetch(getUrl(`{ group(id: "${id}") { id } }`), { headers: { ...auth, [header]: '1' } });
    expect(await response.json()).toEqual({ data: { group: { id } } });
  });

  it('a multipart upload without a CSRF header is 403, before the file is parsed or anything goes upstream', async () => {
    await expectForbidden(await fetch(gw.url, { method: 'POST', headers: auth, body: uploadForm() }));
  });

  it('a multipart upload with apollo-require-preflight reaches the Graph API', async () => {
    const response = await fetch(gw.url, { method: 'POST', headers: { ...auth, 'apollo-require-preflight': 'true' }, body: uploadForm() });
    expect(await response.json()).toEqual({ data: { updateGroup: { success: true } } });
    expect(gw.takeUpstreamRequests().map((r) => r.kind)).toEqual(['picture']);
  });

  it.each([
    ['application/x-www-form-urlencoded', `query=${encodeURIComponent('{ __typename }')}`],
    ['text/plain', JSON.stringify({ query: '{ __typename }' })],
  ])('a %s POST (an HTML form can send it) without a CSRF header is 403', async (type, body) => {
    await expectForbidden(await fetch(gw.url, { method: 'POST', headers: { ...auth, 'content-type': type }, body }));
  });

  it("a JSON POST as GraphiQL sends it needs no CSRF header (browsers preflight it)", async () => {
    const response = await fetch(gw.url, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json, multipart/mixed' },
      body: JSON.stringify({ query: `query Q { group(id: "${id}") { id } }`, operationName: 'Q' }),
    });
    expect(await response.json()).toEqual({ data: { group: { id } } });
  });
});

describe('CORS', () => {
  const preflight = (url: string, origin: string) =>
    fetch(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' } });

  it('without CORS_ORIGINS no response carries CORS headers', async () => {
    const options = await preflight(gw.url, 'https://app.example.com');
    expect(options.headers.get('access-control-allow-origin')).toBeNull();
    const post = await fetch(gw.url, { method: 'POST', headers: { origin: 'https://app.example.com', 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    expect(post.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('with CORS_ORIGINS a listed origin may call with the auth and CSRF headers; another may not', async () => {
    const cors = await startGateway({ env: { CORS_ORIGINS: 'https://app.example.com, https://admin.example.com' } });
    try {
      const allowed = await preflight(cors.url, 'https://admin.example.com');
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://admin.example.com');
      expect(allowed.headers.get('access-control-allow-headers')).toBe('content-type, authorization, x-request-id, x-graphql-yoga-csrf, apollo-require-preflight');
      expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
      const post = await fetch(cors.url, { method: 'POST', headers: { origin: 'https://app.example.com', 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
      expect(post.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
      expect(post.headers.get('access-control-expose-headers')).toBe('x-request-id');
    } finally {
      await cors.close();
    }
  });

  const corsHeaders = (response: Response) => [...response.headers.keys()].filter((name) => name.startsWith('access-control-'));
  const post = (url: string, origin: string) =>
    fetch(url, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });

  it.each([
    ['two origins listed', 'https://app.example.com,https://admin.example.com'],
    ['one origin listed', 'https://app.example.com'],
  ])('with %s, an unlisted origin and `Origin: null` get no CORS header at all', async (_label, list) => {
    const cors = await startGateway({ env: { CORS_ORIGINS: list } });
    try {
      for (const origin of ['https://evil.example', 'null']) {
        expect(corsHeaders(await preflight(cors.url, origin))).toEqual([]);
        const response = await post(cors.url, origin);
        expect(corsHeaders(response)).toEqual([]);
        // The answer itself is unchanged: CORS is the browser's business, not an auth check.
        expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
      }
      expect((await post(cors.url, 'https://app.example.com')).headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    } finally {
      await cors.close();
    }
  });

  it('CORS_ORIGINS=* allows any origin, reflected', async () => {
    const cors = await startGateway({ env: { CORS_ORIGINS: '*' } });
    try {
      expect((await preflight(cors.url, 'https://anyone.example')).headers.get('access-control-allow-origin')).toBe('https://anyone.example');
      expect((await post(cors.url, 'https://anyone.example')).headers.get('access-control-allow-origin')).toBe('https://anyone.example');
    } finally {
      await cors.close();
    }
  });

  it('CORS_ORIGINS that are not origins stop start-up', async () => {
    const { loadConfig } = await import('../../src/config.js');
    expect(() => loadConfig({ CORS_ORIGINS: 'https://app.example.com/path' })).toThrow(/CORS_ORIGINS/);
  });
});
