import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

/** Operations too big for the gateway are refused with BAD_USER_INPUT before any upstream call. */
let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway({ env: { MAX_IDS_PER_OPERATION: '200' } });
});
afterAll(() => gw.close());
beforeEach(() => void gw.takeUpstreamRequests());

function aliases(count: number, id: string, selection = '{ id }') {
  return `{ ${Array.from({ length: count }, (_, i) => `a${i}: group(id: "${id}") ${selection}`).join(' ')} }`;
}

async function expectRefused(query: string, variables: Record<string, unknown> | undefined, message: RegExp) {
  const { status, body } = await gw.query(query, variables);
  expect(body.data ?? null).toBeNull();
  expect(body.errors).toEqual([expect.objectContaining({ message: expect.stringMatching(message), extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })]);
  expect(gw.takeUpstreamRequests()).toEqual([]);
  return status;
}

describe('operation limits', () => {
  it('120 aliased lookups with every field still run (the batching case)', async () => {
    const id = gw.sandbox.demoGroupIds[0]!;
    const every = '{ id messagingProduct subject description suspended joinApprovalMode creationTimestamp createdAt participants { waId userId parentUserId username } totalParticipantCount }';
    const { body } = await gw.query(aliases(120, id, every));
    expect(body.errors).toBeUndefined();
    expect(Object.keys(body.data as object)).toHaveLength(120);
  });

  it('200 lookups are allowed, 201 are BAD_USER_INPUT naming MAX_IDS_PER_OPERATION', async () => {
    const id = gw.sandbox.demoGroupIds[0]!;
    expect((await gw.query(aliases(200, id))).body.errors).toBeUndefined();
    gw.takeUpstreamRequests();
    await expectRefused(aliases(201, id), undefined, /looks up 201 groups; at most 200 .*MAX_IDS_PER_OPERATION/);
  });

  it('lookups hidden in fragments count, once per spread', async () => {
    const id = gw.sandbox.demoGroupIds[0]!;
    const fragment = `fragment F on Query { ${Array.from({ length: 101 }, (_, i) => `f${i}: group(id: "${id}") { id }`).join(' ')} }`;
    await expectRefused(`query { ...F ... on Query { ...F } } ${fragment}`, undefined, /looks up 202 groups/);
  });

  it('_entities representations in variables count', async () => {
    const representations = Array.from({ length: 201 }, (_, i) => ({ __typename: 'Group', id: `id${i}` }));
    await expectRefused('query ($r: [_Any!]!) { _entities(representations: $r) { ... on Group { id } } }', { r: representations }, /looks up 201 groups/);
  });

  it('1 500 aliases (under MAX_QUERY_BYTES) are refused while parsing (token limit)', async () => {
    const query = aliases(1_500, 'x');
    expect(query.length).toBeLessThan(64 * 1024);
    await expectRefused(query, undefined, /Token limit of \d+ exceeded/);
  });

  it('aliases of a cheap field are capped by graphql-armor', async () => {
    // `__typename` aliases are on graphql-armor's allow-list; `__type` is not.
    await expectRefused(`{ ${Array.from({ length: 300 }, (_, i) => `t${i}: __type(name: "Group") { name }`).join(' ')} }`, undefined, /Aliases limit of 250 exceeded/);
  });

  it('deep nesting is refused (depth)', async () => {
    const nested = `{ group(id: "x") { ${'... on Group { '.repeat(12)}id${' }'.repeat(12)} } }`;
    await expectRefused(nested, undefined, /depth limit of 8 exceeded/);
  });

  it('too many directives are refused', async () => {
    await expectRefused(`{ __typename ${'@include(if: true) '.repeat(60)}}`, undefined, /Directives limit of 50 exceeded/);
  });

  it('a misspelt field gets no suggestion, in validation or in variable coercion', async () => {
    const field = await gw.query('{ group(id: "x") { subjct } }');
    expect(field.body.errors?.[0]?.message).toBe('Cannot query field "subjct" on type "Group".');
    expect(field.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const enumValue = await gw.query('mutation ($i: UpdateGroupInput!) { updateGroup(input: $i) { success } }', { i: { id: 'x', subjet: 'y' } });
    expect(enumValue.body.errors?.[0]?.message).toBe('Variable "$i" got invalid value { id: "x", subjet: "y" }; Field "subjet" is not defined by type "UpdateGroupInput".');
    expect(enumValue.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('introspection', () => {
  const introspect = '{ __schema { queryType { name } } }';

  it('is on outside production', async () => {
    expect((await gw.query(introspect)).body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
  });

  it('is off with NODE_ENV=production (unless GRAPHQL_INTROSPECTION=true); __typename still works', async () => {
    for (const [env, allowed] of [[{ NODE_ENV: 'production' }, false], [{ NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true' }, true], [{ GRAPHQL_INTROSPECTION: 'false' }, false]] as const) {
      const prod = await startGateway({ env });
      try {
        const { body } = await prod.query(introspect);
        if (allowed) expect(body.errors).toBeUndefined();
        else expect(body.errors?.[0]).toMatchObject({ message: expect.stringMatching(/introspection/i), extensions: { code: 'BAD_USER_INPUT' } });
        expect((await prod.query('{ __typename }')).body).toEqual({ data: { __typename: 'Query' } });
      } finally {
        await prod.close();
      }
    }
  });
});

describe('request body size', () => {
  it('a JSON body over MAX_REQUEST_BODY_BYTES is HTTP 413 BAD_USER_INPUT, by Content-Length or while streaming', async () => {
    const small = await startGateway({ env: { MAX_REQUEST_BODY_BYTES: '2000' } });
    try {
      const big = JSON.stringify({ query: `{ __typename }`, variables: { pad: 'x'.repeat(3000) } });
      const byLength = await fetch(small.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
      expect(byLength.status).toBe(413);
      expect(await byLength.json()).toEqual({ errors: [expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT' } })] });
      const chunked = await fetch(small.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: new Blob([big]).stream(),
        duplex: 'half',
      } as RequestInit);
      expect(chunked.status).toBe(413);
      const fine = await fetch(small.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
      expect(await fine.json()).toEqual({ data: { __typename: 'Query' } });
    } finally {
      await small.close();
    }
  });
});

describe('the ids cap covers writes', () => {
  it('201 aliased deleteGroup mutations are refused before any upstream call', async () => {
    const id = gw.sandbox.demoGroupIds[0]!;
    const mutation = `mutation { ${Array.from({ length: 201 }, (_, i) => `d${i}: deleteGroup(input: { id: "${id}" }) { success }`).join(' ')} }`;
    await expectRefused(mutation, undefined, /looks up 201 groups/);
  });
});
