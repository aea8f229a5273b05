import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

/**
 * GRAPHQL_JIT (on by default) runs a query compiled by graphql-jit from its document's second use.
 * Callers must not be able to tell: every answer here, data and errors alike, equals the one the
 * same gateway gives on graphql-js alone (GRAPHQL_JIT=false), both reading one sandbox.
 */
let jit: TestGateway;
let plain: TestGateway;
let ids: string[];
let phone: string;

beforeAll(async () => {
  jit = await startGateway();
  // The same sandbox behind both: same groups, same answers.
  plain = await startGateway({ env: { GRAPHQL_JIT: 'false' }, upstream: async () => ({ url: jit.sandbox.url, close: async () => undefined }) });
  ids = jit.sandbox.demoGroupIds;
  phone = jit.sandbox.demoPhoneNumberId!;
});
afterAll(async () => {
  await plain?.close();
  await jit?.close();
});

const GROUP_FIELDS = `id subject description suspended joinApprovalMode creationTimestamp createdAt totalParticipantCount
  participants { waId userId } inviteLink joinRequests(first: 2) { nodes { id waId createdAt } pageInfo { hasNextPage endCursor } }`;

const CASES: { name: string; query: string; variables?: (ids: string[], phone: string) => Record<string, unknown> }[] = [
  { name: 'every field of one group', query: `query($id: ID!) { group(id: $id) { ${GROUP_FIELDS} } }`, variables: (g) => ({ id: g[0] }) },
  {
    name: 'aliases, a fragment, an inline fragment and __typename',
    query: `query($a: ID!, $b: ID!) { a: group(id: $a) { ...F } b: group(id: $b) { __typename ... on Group { subject } } }
      fragment F on Group { id subject participants { waId } }`,
    variables: (g) => ({ a: g[1], b: g[2] }),
  },
  {
    name: '@include and @skip driven by variables',
    query: `query($id: ID!, $yes: Boolean!, $no: Boolean!) { group(id: $id) { id subject @include(if: $yes) description @skip(if: $yes) inviteLink @include(if: $no) } }`,
    variables: (g) => ({ id: g[0], yes: true, no: false }),
  },
  { name: 'an unknown group: null with NOT_FOUND at its path', query: '{ known: group(id: "Y2FwaV9ncm91cDpub25l") { id } }' },
  { name: 'a malformed group id: BAD_USER_INPUT from the resolver', query: `{ group(id: "not a group/id") { id } }` },
  {
    name: 'a page of groups with edges, cursors and nested join requests',
    query: `query($phone: ID!) { groups(phoneNumberId: $phone, first: 3) { edges { cursor node { id subject joinRequests(first: 1) { nodes { id } } } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`,
    variables: (_g, p) => ({ phone: p }),
  },
  {
    name: '_entities with representations',
    query: `query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Group { id subject inviteLink } } }`,
    variables: (g) => ({ r: [{ __typename: 'Group', id: g[3] }, { __typename: 'Group', id: 'Y2FwaV9ncm91cDpub25l' }] }),
  },
  { name: 'a variable graphql-js refuses', query: `query($id: ID!) { group(id: $id) { id } }`, variables: () => ({ id: { not: 'an id' } }) },
  { name: 'a page size out of range', query: `query($phone: ID!) { groups(phoneNumberId: $phone, first: 0) { nodes { id } } }`, variables: (_g, p) => ({ phone: p }) },
];

function withoutTraceIds(answer: unknown): string {
  return JSON.stringify(answer).replace(/"fbtraceId":"[^"]*"/g, '"fbtraceId":"…"');
}

describe('queries compiled by graphql-jit answer exactly as graphql-js does', () => {
  it.each(CASES)('$name', async ({ query, variables }) => {
    const vars = variables?.(ids, phone);
    const expected = await plain.query(query, vars);
    // First use runs on graphql-js; the second and third on the compiled query.
    for (let use = 1; use <= 3; use++) {
      const answer = await jit.query(query, vars);
      // Byte for byte, but for the Graph trace id each upstream answer carries.
      expect(withoutTraceIds(answer), `use ${use}`).toBe(withoutTraceIds(expected));
    }
  });

  it('a compiled query really runs: the same document keeps batching its lookups into one upstream request', async () => {
    const query = `query($a: ID!, $b: ID!, $c: ID!) { a: group(id: $a) { subject } b: group(id: $b) { subject } c: group(id: $c) { subject } }`;
    for (let use = 1; use <= 3; use++) {
      jit.takeUpstreamRequests();
      const answer = await jit.query(query, { a: ids[0], b: ids[1], c: ids[2] });
      expect(answer.body.errors).toBeUndefined();
      expect(jit.takeUpstreamRequests()).toHaveLength(1);
    }
  });
});
