import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors.js';
import { startGatewayProcess, type GatewayProcess } from '../../support/processes.js';

/**
 * A generated corpus of hostile ids, operations and bodies against the real process (src/main.ts
 * with its sandbox): every answer is well-formed GraphQL over HTTP with a public error code, none
 * of the cases marked "no upstream" reaches the Graph API, writes that do go out carry
 * `messaging_product` (the sandbox refuses them otherwise), and the process is still serving.
 */
interface Case {
  name: string;
  method?: 'GET' | 'POST';
  /** Query string for GETs. */
  search?: string;
  headers?: Record<string, string>;
  body?: string | FormData;
  /** The Graph API may be called (a valid read); otherwise no upstream call is allowed. */
  upstream?: boolean;
}

let proc: GatewayProcess;
let url: string;
let sandbox: string;
let token: string;
let id: string;
beforeAll(async () => {
  proc = startGatewayProcess({ PORT: '0', HOST: '127.0.0.1', MAX_REQUEST_BODY_BYTES: '100000' });
  url = (await proc.waitFor(/GraphiQL:\s+(http:\S+)/))[1]!.replace('localhost', '127.0.0.1');
  sandbox = (await proc.waitFor(/Sandbox:\s+(http:\S+)/))[1]!;
  token = (await proc.waitFor(/Demo token:\s+(\S+)/))[1]!;
  id = (await proc.waitFor(/Demo groups:\s+(.+)/))[1]!.split(', ')[0]!;
});
afterAll(async () => {
  await proc.stop('SIGKILL');
});

const json = (payload: unknown): Pick<Case, 'headers' | 'body'> => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
const op = (query: string, variables?: unknown) => json({ query, variables });

const HOSTILE_IDS = [
  '../../me?fields=access_token', '..%2F..%2Fme', '%00', '\u0000', 'a\u202eb', '🙂'.repeat(100), 'x'.repeat(100_000 / 4),
  "' OR 1=1 --", '<script>alert(1)</script>', 'a,b,c', '{"$ne":null}', ' ', '\r\nX-Injected: 1', 'me/accounts', '#', '?',
];

function corpus(): Case[] {
  const cases: Case[] = [];
  for (const hostile of HOSTILE_IDS) {
    cases.push({ name: `id ${JSON.stringify(hostile.slice(0, 30))} as a variable`, ...op('query ($id: ID!) { group(id: $id) { id subject } }', { id: hostile }) });
    cases.push({ name: `id ${JSON.stringify(hostile.slice(0, 30))} in deleteGroup`, ...op('mutation ($id: ID!) { deleteGroup(input: { id: $id }) { success } }', { id: hostile }) });
  }
  // Operations
  cases.push({ name: 'deep nesting, 300 levels', ...op(`{ ${'group(id: "x") { participants { '.repeat(1)}${'a { '.repeat(300)}b${' }'.repeat(300)} } } }`) });
  cases.push({ name: '10 000 aliases', ...op(`{ ${Array.from({ length: 10_000 }, (_, i) => `a${i}: __typename`).join(' ')} }`) });
  cases.push({ name: '10 000 aliased group lookups', ...op(`{ ${Array.from({ length: 10_000 }, (_, i) => `a${i}: group(id: "${i}") { id }`).join(' ')} }`) });
  cases.push({ name: 'a 90 kB string literal', ...op(`{ group(id: "${'x'.repeat(90_000)}") { id } }`) });
  cases.push({ name: 'a 90 kB string variable', ...op('query ($id: ID!) { group(id: $id) { id } }', { id: 'y'.repeat(90_000) }) });
  cases.push({ name: 'a fragment bomb', ...op(`{ ...F0 } ${Array.from({ length: 30 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join(' ')} fragment F30 on Query { group(id: "${'z'}") { id } }`) });
  cases.push({ name: 'a fragment cycle', ...op('{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }') });
  cases.push({ name: '1000 directives', ...op(`{ __typename ${'@skip(if: false) '.repeat(1000)}}`) });
  cases.push({ name: 'syntax garbage', ...op('{{{{ ]]]] ((( query') });
  cases.push({ name: 'an unknown operation name', ...json({ query: 'query A { __typename }', operationName: 'B' }) });
  cases.push({ name: 'two anonymous operations', ...op('{ __typename } { __typename }') });
  cases.push({ name: 'a misspelt field (no suggestion)', ...op('{ grop(id: "x") { id } }') });
  cases.push({ name: 'a subscription', ...op('subscription { group }') });
  cases.push({ name: 'a mutation by GET', method: 'GET', search: `query=${encodeURIComponent('mutation { deleteGroup(input: { id: "x" }) { success } }')}`, headers: { 'x-graphql-yoga-csrf': '1' } });
  cases.push({ name: 'an enum value misspelt in variables', ...op('mutation ($i: UpdateGroupInput!) { updateGroup(input: $i) { success } }', { i: { id, subjet: 'x' } }) });
  cases.push({ name: 'an update with an empty subject', ...op('mutation ($i: UpdateGroupInput!) { updateGroup(input: $i) { success } }', { i: { id, subject: '   ' } }) });
  cases.push({ name: 'a valid update (goes upstream with messaging_product)', upstream: true, ...op('mutation ($i: UpdateGroupInput!) { updateGroup(input: $i) { success } }', { i: { id, description: 'corpus' } }) });
  cases.push({ name: 'a valid read', upstream: true, ...op(`{ group(id: "${id}") { id } }`) });
  // Bodies with the wrong JSON types
  for (const [label, payload] of [
    ['query as a number', { query: 42 }],
    ['query as an object', { query: { a: 1 } }],
    ['variables as a string', { query: '{ __typename }', variables: 'x' }],
    ['variables as an array', { query: '{ __typename }', variables: [1] }],
    ['extensions as a string', { query: '{ __typename }', extensions: 'x' }],
    ['operationName as a number', { query: '{ __typename }', operationName: 1 }],
    ['no query', { variables: {} }],
    ['a batch array (batching is off)', [{ query: '{ __typename }' }, { query: '{ __typename }' }]],
    ['null', null],
    ['a bare string', 'query'],
    ['an ID variable as an object', { query: 'query ($id: ID!) { group(id: $id) { id } }', variables: { id: { $gt: '' } } }],
  ] as const) {
    cases.push({ name: `JSON body: ${label}`, ...json(payload) });
  }
  cases.push({ name: 'malformed JSON', headers: { 'content-type': 'application/json' }, body: '{"query": "{ __typename }"' });
  cases.push({ name: 'an empty JSON body', headers: { 'content-type': 'application/json' }, body: '' });
  cases.push({ name: 'a body over MAX_REQUEST_BODY_BYTES', ...op('{ __typename }', { pad: 'p'.repeat(200_000) }) });
  cases.push({ name: 'an unknown content type', headers: { 'content-type': 'application/xml' }, body: '<query/>' });
  cases.push({ name: 'invalid UTF-8', headers: { 'content-type': 'application/json' }, body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('latin1') });
  // Malformed multipart (with the CSRF header, so they reach the upload parser)
  const multipart = (parts: [string, string | Blob][]) => {
    const form = new FormData();
    for (const [name, value] of parts) form.append(name, value);
    return { headers: { 'apollo-require-preflight': 'true' }, body: form };
  };
  const upload = 'mutation ($f: Upload!) { updateGroup(input: { id: "' + id + '", profilePicture: $f }) { success } }';
  cases.push({ name: 'multipart without map', ...multipart([['operations', JSON.stringify({ query: upload, variables: { f: null } })]]) });
  cases.push({ name: 'multipart with operations that are not JSON', ...multipart([['operations', '{nope'], ['map', '{}']]) });
  cases.push({ name: 'multipart with a map to a missing file', ...multipart([['operations', JSON.stringify({ query: upload, variables: { f: null } })], ['map', JSON.stringify({ 0: ['variables.f'] })]]) });
  cases.push({ name: 'multipart with a map that is not JSON', ...multipart([['operations', JSON.stringify({ query: upload, variables: { f: null } })], ['map', '[[['], ['0', new Blob(['x'])]]) });
  cases.push({ name: 'multipart with a file that is not a JPEG', ...multipart([['operations', JSON.stringify({ query: upload, variables: { f: null } })], ['map', JSON.stringify({ 0: ['variables.f'] })], ['0', new Blob(['GIF89a...'], { type: 'image/jpeg' })]]) });
  cases.push({ name: 'multipart with two files for one variable', ...multipart([['operations', JSON.stringify({ query: upload, variables: { f: null } })], ['map', JSON.stringify({ 0: ['variables.f'], 1: ['variables.f'] })], ['0', new Blob(['a'])], ['1', new Blob(['b'])]]) });
  cases.push({ name: 'a truncated multipart body', headers: { 'apollo-require-preflight': 'true', 'content-type': 'multipart/form-data; boundary=XX' }, body: '--XX\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{"query":' });
  return cases;
}

async function upstreamRequests(): Promise<{ method: string; kind: string; status: number }[]> {
  return (await (await fetch(`${sandbox}/__sandbox/requests`)).json()) as never;
}

describe('hostile input corpus', () => {
  it('every case gets a well-formed GraphQL-over-HTTP answer with public codes, and no unwarranted upstream call', async () => {
    const cases = corpus();
    expect(cases.length).toBeGreaterThan(60);
    const failures: string[] = [];
    for (const c of cases) {
      await fetch(`${sandbox}/__sandbox/requests`, { method: 'DELETE' });
      const response = await fetch(c.method === 'GET' ? `${url}?${c.search}` : url, {
        method: c.method ?? 'POST',
        headers: { authorization: `Bearer ${token}`, accept: 'application/graphql-response+json, application/json', ...c.headers },
        ...(c.body !== undefined ? { body: c.body } : {}),
      });
      const problems: string[] = [];
      const type = response.headers.get('content-type') ?? '';
      const text = await response.text();
      // GraphQL over HTTP: a media type the server does not read is a bare 415 (Yoga's answer).
      const bare415 = response.status === 415 && text === '';
      if (!bare415 && !/^application\/(graphql-response\+)?json/.test(type)) problems.push(`content-type ${type}`);
      let body: { data?: unknown; errors?: { message?: unknown; extensions?: { code?: unknown } }[] } | undefined;
      try {
        if (!bare415) body = JSON.parse(text) as typeof body;
      } catch {
        problems.push(`not JSON: ${text.slice(0, 80)}`);
      }
      if (body) {
        if (!('data' in body) && !Array.isArray(body.errors)) problems.push('neither data nor errors');
        for (const error of body.errors ?? []) {
          if (typeof error.message !== 'string') problems.push('error without message');
          if (!Object.hasOwn(ERROR_CODES, String(error.extensions?.code))) problems.push(`code ${String(error.extensions?.code)}`);
          if (/Did you mean/.test(String(error.message))) problems.push('suggestion');
          if (String(error.message).includes(token)) problems.push('token in message');
        }
      }
      if (response.status >= 500) problems.push(`HTTP ${response.status}`);
      const upstream = await upstreamRequests();
      if (!c.upstream && upstream.length > 0) problems.push(`upstream ${JSON.stringify(upstream.map((r) => r.kind))}`);
      for (const write of upstream.filter((r) => r.method !== 'GET' && r.kind !== 'batch')) {
        if (write.status >= 400) problems.push(`write refused upstream: ${write.status}`);
      }
      if (problems.length) failures.push(`${c.name}: ${problems.join('; ')}`);
    }
    expect(failures).toEqual([]);
    expect(proc.child.exitCode).toBeNull();
    expect((await fetch(new URL('/health', url))).status).toBe(200);
    const read = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: `{ group(id: "${id}") { id } }` }) });
    expect(await read.json()).toEqual({ data: { group: { id } } });
  }, 60_000);
});
