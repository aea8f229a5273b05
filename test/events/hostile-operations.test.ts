/**
 * One table of hostile operations, run over the three doors (HTTP, GraphQL over SSE, graphql-ws):
 * each must meet the same refusal on each, and none may cost an upstream call except where the
 * table says so (a made-up token has to be asked about once).
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ALL_GROUPS_TOKEN, postWebhook, startEventsGateway, suspendItem, webhookBody, wsClient, type EventsGateway } from './support.js';

const MANIFEST_PATH = fileURLToPath(new URL('../../examples/client/gql/persisted-documents.json', import.meta.url));
const GROUP_SUMMARY_ID = 'sha256:a7d44374f76d75c919da218f2cf065da66c59f36e9608682cfb6b2500f494524';
const ALLOWED_ORIGIN = 'https://app.example.com';

/** The gateway a production operator runs: introspection off, one browser origin listed, no default token. */
let locked: EventsGateway;
/** The same with trusted documents only. */
let trusted: EventsGateway;

beforeAll(async () => {
  locked = await startEventsGateway({ env: { GRAPHQL_INTROSPECTION: 'false', CORS_ORIGINS: ALLOWED_ORIGIN } });
  trusted = await startEventsGateway({ env: { PERSISTED_DOCUMENTS: MANIFEST_PATH } });
}, 60_000);
afterAll(async () => {
  await locked?.close();
  await trusted?.close();
});

type Body = { query: string; operationName?: string; variables?: Record<string, unknown>; documentId?: string };

/** How one door answered: the first error's code (or OK), and in what form. */
interface Outcome {
  code: string;
  form: 'http' | 'sse' | 'ws-error' | 'ws-next' | 'ws-close';
}

async function overHttp(origin: string, body: Body, token: string | undefined): Promise<Outcome> {
  const response = await fetch(`${origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const result = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
  return { code: result.errors?.[0]?.extensions?.code ?? 'OK', form: 'http' };
}

async function overSse(origin: string, body: Body, token: string | undefined): Promise<Outcome> {
  const response = await fetch(`${origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  const json = response.headers.get('content-type')?.startsWith('text/event-stream')
    ? /^data: (.+)$/m.exec(text.slice(text.indexOf('event: next')))?.[1]
    : text;
  const result = JSON.parse(json ?? '{}') as { errors?: { extensions?: { code?: string } }[] };
  return { code: result.errors?.[0]?.extensions?.code ?? 'OK', form: 'sse' };
}

function overWs(origin: string, body: Body, token: string | undefined): Promise<Outcome> {
  const client = wsClient(origin, token);
  return new Promise<Outcome>((resolve) => {
    let first: Outcome | undefined;
    client.subscribe(body, {
      next: (result) => (first ??= { code: result.errors?.[0]?.extensions?.code as string | undefined ?? 'OK', form: 'ws-next' }),
      error: (error) => {
        if (Array.isArray(error)) resolve({ code: (error[0] as { extensions?: { code?: string } }).extensions?.code ?? '?', form: 'ws-error' });
        // A socket closed for want of a token: graphql-ws's 4401 (Unauthorized).
        else resolve({ code: (error as { code?: number }).code === 4401 ? 'UNAUTHENTICATED' : `close ${(error as { code?: number }).code}`, form: 'ws-close' });
      },
      complete: () => resolve(first ?? { code: 'none', form: 'ws-next' }),
    });
  }).finally(() => void client.dispose());
}

const DOORS = { http: overHttp, sse: overSse, ws: overWs } as const;

const groupId = () => locked.sandbox.demoGroupIds[0]!;
const aliases = (count: number) => `{ ${Array.from({ length: count }, (_, i) => `a${i}: group(id: "${groupId()}") { id }`).join(' ')} }`;
/** A syntax error whose message carries a string literal: real newlines and a whole JSON log line. */
const FORGED_LINE = '{"level":60,"time":1764489600000,"service":"whatsapp-groups-gateway","msg":"FORGED"}';

interface Row {
  name: string;
  gateway: () => EventsGateway;
  body: () => Body;
  token?: string | undefined;
  code: string;
  /** How graphql-ws says it: an `error` message for what HTTP answers 4xx; a `next` with the errors for a refusal at execution (HTTP 200). */
  wsForm?: Outcome['form'];
}

const ROWS: Row[] = [
  { name: 'a query over MAX_QUERY_BYTES', gateway: () => locked, body: () => ({ query: `{ __typename }\n#${'x'.repeat(70_000)}` }), token: ALL_GROUPS_TOKEN, code: 'BAD_USER_INPUT' },
  { name: 'a raw query under trusted documents', gateway: () => trusted, body: () => ({ query: `{ group(id: "${groupId()}") { subject } }` }), token: ALL_GROUPS_TOKEN, code: 'PERSISTED_QUERY_ONLY' },
  { name: 'an unknown document id', gateway: () => trusted, body: () => ({ query: '', documentId: 'sha256:0000' }), token: ALL_GROUPS_TOKEN, code: 'PERSISTED_QUERY_NOT_FOUND' },
  { name: 'introspection with it off', gateway: () => locked, body: () => ({ query: '{ __schema { types { name } } }' }), token: ALL_GROUPS_TOKEN, code: 'BAD_USER_INPUT' },
  { name: '`_service` with introspection off', gateway: () => locked, body: () => ({ query: '{ _service { sdl } }' }), token: ALL_GROUPS_TOKEN, code: 'BAD_USER_INPUT', wsForm: 'ws-next' },
  {
    name: '`_service` through a fragment',
    gateway: () => locked,
    body: () => ({ query: '{ ...F } fragment F on Query { s: _service { sdl } }' }),
    token: ALL_GROUPS_TOKEN,
    code: 'BAD_USER_INPUT',
    wsForm: 'ws-next',
  },
  { name: '201 aliased lookups', gateway: () => locked, body: () => ({ query: aliases(201) }), token: ALL_GROUPS_TOKEN, code: 'BAD_USER_INPUT', wsForm: 'ws-next' },
  { name: 'no token', gateway: () => locked, body: () => ({ query: `{ group(id: "${groupId()}") { subject inviteLink } }` }), token: undefined, code: 'UNAUTHENTICATED', wsForm: 'ws-close' },
  { name: 'a syntax error carrying a forged log line', gateway: () => locked, body: () => ({ query: `{ ${JSON.stringify(`\n${FORGED_LINE}\n`)} }` }), token: ALL_GROUPS_TOKEN, code: 'BAD_USER_INPUT' },
  {
    name: 'a subscription with a syntax error',
    gateway: () => locked,
    body: () => ({ query: 'subscription { groupEvents(after: "0-0") { eventId ' }),
    token: ALL_GROUPS_TOKEN,
    code: 'BAD_USER_INPUT',
  },
];

describe('hostile operations: the same refusal over HTTP, SSE and graphql-ws, with no upstream call', () => {
  it.each(ROWS)('$name', async (row) => {
    const gw = row.gateway();
    gw.sandbox.requests.length = 0;
    const outcomes: Record<string, Outcome> = {};
    for (const [door, run] of Object.entries(DOORS)) outcomes[door] = await run(gw.origin, row.body(), row.token);
    expect({ http: outcomes.http!.code, sse: outcomes.sse!.code, ws: outcomes.ws!.code }).toEqual({ http: row.code, sse: row.code, ws: row.code });
    // Over graphql-ws: an `error` message (the socket stays open), or, without a token, the 4401 close.
    expect(outcomes.ws!.form).toBe(row.wsForm ?? 'ws-error');
    expect(gw.sandbox.requests).toEqual([]);
  });

  it('a made-up token: UNAUTHENTICATED over SSE and graphql-ws, one upstream call each (the check that finds it out), none once known', async () => {
    // An event to replay, so that the subscription has something to check the token against.
    await postWebhook(locked.webhookUrl, webhookBody('group_status_update', suspendItem(groupId())));
    const subscription = { query: 'subscription { groupEvents(after: "0-0") { eventId } }' };
    for (const [door, run] of Object.entries({ sse: overSse, ws: overWs })) {
      const junk = `made-up-token-for-${door}`;
      locked.sandbox.requests.length = 0;
      expect((await run(locked.origin, subscription, junk)).code, door).toBe('UNAUTHENTICATED');
      expect(locked.sandbox.requests.map((r) => `${r.method} ${r.kind} ${r.ids.join(',')} ${r.status}`), door).toEqual([`GET read ${groupId()} 401`]);
      // The same token again: refused from memory.
      expect((await run(locked.origin, subscription, junk)).code, door).toBe('UNAUTHENTICATED');
      expect(locked.sandbox.requests, door).toHaveLength(1);
    }
  });

  it('the same operations are served on every door when they are allowed (the refusals above are not the doors failing)', async () => {
    for (const [door, run] of Object.entries(DOORS)) {
      expect((await run(locked.origin, { query: '{ __typename }' }, ALL_GROUPS_TOKEN)).code, door).toBe('OK');
      expect((await run(trusted.origin, { query: '', documentId: GROUP_SUMMARY_ID, variables: { id: groupId() } }, ALL_GROUPS_TOKEN)).code, door).toBe('OK');
      expect((await run(locked.origin, { query: aliases(200) }, ALL_GROUPS_TOKEN)).code, door).toBe('OK');
    }
  });

  it('cross-origin: a browser Origin not listed gets no CORS grant over HTTP and SSE, and its WebSocket upgrade is refused (403)', async () => {
    locked.sandbox.requests.length = 0;
    const preflight = await fetch(`${locked.origin}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
    });
    // No grant: the browser never sends the POST (HTTP and SSE alike are JSON POSTs).
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(await upgradeStatus(locked.origin, 'https://evil.example')).toBe(403);
    // Listed, absent (not a browser) and same-origin are allowed.
    expect(await upgradeStatus(locked.origin, ALLOWED_ORIGIN)).toBe(101);
    expect(await upgradeStatus(locked.origin, undefined)).toBe(101);
    expect(await upgradeStatus(locked.origin, locked.origin)).toBe(101);
    expect(await upgradeStatus(locked.origin, 'null')).toBe(403);
    expect(locked.sandbox.requests).toEqual([]);
  });

  it('`_service` with introspection off is served to the router carrying FEDERATION_SERVICE_TOKEN, on no other ground', async () => {
    const secret = 'router-shared-secret-0123456789';
    const gw = await startEventsGateway({ env: { GRAPHQL_INTROSPECTION: 'false', FEDERATION_SERVICE_TOKEN: secret } });
    try {
      const ask = async (headers: Record<string, string>) => {
        const response = await fetch(`${gw.origin}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"query":"{ _service { sdl } }"}' });
        const body = (await response.json()) as { data?: { _service?: { sdl?: string } }; errors?: { extensions?: { code?: string } }[] };
        return body.data?._service?.sdl ? 'sdl' : body.errors?.[0]?.extensions?.code;
      };
      expect(await ask({ 'x-federation-service-token': secret })).toBe('sdl');
      expect(await ask({ 'x-federation-service-token': `${secret}x` })).toBe('BAD_USER_INPUT');
      // Loopback is where this test comes from: it is not a credential.
      expect(await ask({})).toBe('BAD_USER_INPUT');
      expect(await ask({ authorization: `Bearer ${ALL_GROUPS_TOKEN}` })).toBe('BAD_USER_INPUT');
    } finally {
      await gw.close();
    }
  });
});

/** The HTTP status a WebSocket upgrade got (101 when it opened). */
function upgradeStatus(origin: string, browserOrigin: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${origin.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws', browserOrigin ? { origin: browserOrigin } : {});
    socket.once('open', () => {
      socket.close();
      resolve(101);
    });
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('error', (error) => (error.message.includes('Unexpected server response') ? undefined : reject(error)));
  });
}
