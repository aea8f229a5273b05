import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { seedTenant } from '../sandbox/tenants.js';

const GroupsPage = graphql(`
  query GroupsPage($phoneNumberId: ID!, $first: Int, $after: String, $last: Int, $before: String) {
    groups(phoneNumberId: $phoneNumberId, first: $first, after: $after, last: $last, before: $before) {
      edges { cursor node { id subject createdAt } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
`);

const GroupsWithParticipants = graphql(`
  query GroupsWithParticipants($phoneNumberId: ID!, $first: Int) {
    groups(phoneNumberId: $phoneNumberId, first: $first) { nodes { id subject participants { waId } } }
  }
`);

let gw: TestGateway;
let demoPhone: string;
/** The demo number's groups as the sandbox lists them (newest first). */
let listed: string[];

beforeAll(async () => {
  gw = await startGateway();
  demoPhone = gw.sandbox.demoPhoneNumberId!;
  listed = gw.sandbox.groups.listByPhoneNumber(demoPhone).map((g) => g.id);
});
afterAll(() => gw.close());

async function page(variables: { first?: number; after?: string; last?: number; before?: string }) {
  const { body } = await gw.query(GroupsPage, { phoneNumberId: demoPhone, ...variables });
  expect(body.errors).toBeUndefined();
  return body.data!.groups;
}

describe('groups: paging end to end', () => {
  it('forward with first: 7 visits every one of the 60+ groups exactly once, in order, one upstream request per page', async () => {
    expect(listed.length).toBeGreaterThanOrEqual(60);
    gw.takeUpstreamRequests();
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    for (;;) {
      const p = await page({ first: 7, ...(after ? { after } : {}) });
      pages++;
      seen.push(...p.edges.map((e) => e.node.id));
      expect(p.pageInfo.hasPreviousPage).toBe(pages > 1);
      if (!p.pageInfo.hasNextPage) break;
      after = p.pageInfo.endCursor!;
    }
    expect(seen).toEqual(listed);
    expect(pages).toBe(Math.ceil(listed.length / 7));
    const upstream = gw.takeUpstreamRequests();
    expect(upstream.map((r) => [r.method, r.kind, r.ids])).toEqual(Array(pages).fill(['GET', 'groups', [demoPhone]]));
  });

  it('backward with last/before from the end visits every group exactly once', async () => {
    let p = await page({ first: 7 });
    while (p.pageInfo.hasNextPage) p = await page({ first: 7, after: p.pageInfo.endCursor! });
    const seen = p.edges.map((e) => e.node.id);
    while (p.pageInfo.hasPreviousPage) {
      p = await page({ last: 7, before: p.pageInfo.startCursor! });
      seen.unshift(...p.edges.map((e) => e.node.id));
    }
    expect(seen).toEqual(listed);
  });

  it('every edge has a cursor that after and before accept: continuing from the middle of a page', async () => {
    const first = await page({ first: 7 });
    const third = first.edges[2]!.cursor;
    expect((await page({ first: 3, after: third })).edges.map((e) => e.node.id)).toEqual(listed.slice(3, 6));
    const fifth = first.edges[4]!.cursor;
    const back = await page({ last: 2, before: fifth });
    expect(back.edges.map((e) => e.node.id)).toEqual(listed.slice(2, 4));
    expect(back.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
    // The middle edge of a page in the middle of the list, too.
    const second = await page({ first: 7, after: first.pageInfo.endCursor! });
    expect((await page({ first: 4, after: second.edges[3]!.cursor })).edges.map((e) => e.node.id)).toEqual(listed.slice(11, 15));
  });

  it('the list gives id, subject and createdAt: a page of them is one upstream request', async () => {
    gw.takeUpstreamRequests();
    const p = await page({ first: 5 });
    const stored = gw.sandbox.groups.get(listed[0]!)!;
    expect(p.edges[0]!.node).toEqual({ id: stored.id, subject: stored.subject, createdAt: new Date(stored.creationTimestamp * 1000).toISOString() });
    expect(gw.takeUpstreamRequests().map((r) => r.kind)).toEqual(['groups']);
  });

  it('a 50-group page with participants costs 2 upstream requests: the list, then one batch of the 50 nodes', async () => {
    const tenant = seedTenant(gw.sandbox, Array.from({ length: 50 }, (_, i) => ({ subject: `Team ${i}`, participants: 3 })));
    gw.takeUpstreamRequests();
    const { body } = await gw.query(GroupsWithParticipants, { phoneNumberId: tenant.phoneNumberId, first: 50 }, { authorization: `Bearer ${tenant.token}` });
    expect(body.errors).toBeUndefined();
    const nodes = body.data!.groups.nodes;
    expect(nodes).toHaveLength(50);
    expect(nodes.every((n) => n.participants?.length === 3)).toBe(true);
    const upstream = gw.takeUpstreamRequests();
    expect(upstream.map((r) => r.kind)).toEqual(['groups', 'batch']);
    expect(new Set(upstream[1]!.ids)).toEqual(new Set(tenant.groupIds));
    expect(upstream[1]!.fields).toEqual(['id', 'participants']);
  });
});

describe('groups: refused before any upstream call', () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['a phone number id that is not digits', { phoneNumberId: '12a' }, /phone number id/],
    ['first: 0', { first: 0 }, /`first` must be 1 to 1024; got 0/],
    ['first: 1025', { first: 1025 }, /1 to 1024/],
    ['first and last together', { first: 2, last: 2, before: 'x' }, /not both/],
    ['last without before', { last: 3 }, /give `before` too/],
    ['a cursor this API never returned', { first: 2, after: 'not-a-cursor!' }, /cursor is not one this API returned/],
    ['more groups than MAX_IDS_PER_OPERATION', { first: 300 }, /looks up 300 groups; at most 200/],
  ];
  for (const [name, variables, message] of cases) {
    it(name, async () => {
      gw.takeUpstreamRequests();
      const { body } = await gw.query(GroupsPage, { phoneNumberId: demoPhone, ...variables } as never);
      expect(body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
      expect(body.errors?.[0]?.message).toMatch(message);
      expect(gw.takeUpstreamRequests()).toEqual([]);
    });
  }
});

describe('groups: upstream errors', () => {
  it("a cursor Graph does not know is Graph's 131059, BAD_USER_INPUT with graphApi", async () => {
    const forged = Buffer.from(JSON.stringify({ b: 'bogus', a: 'bogus', i: 0, j: 0 })).toString('base64url');
    const { body } = await gw.query(GroupsPage, { phoneNumberId: demoPhone, first: 2, after: forged });
    expect(body.errors?.[0]).toMatchObject({ path: ['groups'], extensions: { code: 'BAD_USER_INPUT', graphApi: { code: 131059 } } });
  });

  it("another business's phone number is not listed for this token", async () => {
    const other = seedTenant(gw.sandbox, 2);
    const mine = seedTenant(gw.sandbox, 1);
    const { body } = await gw.query(GroupsPage, { phoneNumberId: other.phoneNumberId, first: 2 }, { authorization: `Bearer ${mine.token}` });
    expect(body.data).toBeNull();
    expect(body.errors?.[0]).toMatchObject({ path: ['groups'], extensions: { code: 'NOT_FOUND', graphApi: { code: 100, subcode: 33 } } });
    expect(JSON.stringify(body)).not.toContain(other.groupIds[0]);
  });

  it('without a token: UNAUTHENTICATED, nothing upstream', async () => {
    gw.takeUpstreamRequests();
    const { body } = await gw.query(GroupsPage, { phoneNumberId: demoPhone }, { authorization: undefined });
    expect(body.errors?.[0]).toMatchObject({ path: ['groups'], extensions: { code: 'UNAUTHENTICATED' } });
    expect(gw.takeUpstreamRequests()).toEqual([]);
  });
});
