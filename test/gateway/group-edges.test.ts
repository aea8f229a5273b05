import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { seedTenant } from '../sandbox/tenants.js';

const InviteLink = graphql(`
  query InviteLink($id: ID!) { group(id: $id) { id inviteLink } }
`);

const PageJoinRequests = graphql(`
  query PageJoinRequests($phoneNumberId: ID!, $first: Int) {
    groups(phoneNumberId: $phoneNumberId, first: $first) { nodes { id joinRequests { nodes { id } } } }
  }
`);

const JoinRequestsOfGroup = graphql(`
  query JoinRequestsOfGroup($id: ID!, $first: Int, $after: String) {
    group(id: $id) {
      joinRequests(first: $first, after: $after) {
        edges { cursor node { id waId creationTimestamp createdAt } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
`);

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());

const linkOf = (id: string) => `https://chat.whatsapp.com/${gw.sandbox.groups.get(id)!.inviteCode}`;

describe('inviteLink: an edge, batched like nodes', () => {
  it('group(id) { inviteLink } costs exactly one upstream request: the edge, not the node', async () => {
    const { id } = gw.sandbox.groups.seedGroup();
    gw.takeUpstreamRequests();
    const { body } = await gw.query(InviteLink, { id });
    expect(body).toEqual({ data: { group: { id, inviteLink: linkOf(id) } } });
    expect(gw.takeUpstreamRequests().map((r) => [r.method, r.kind, r.ids])).toEqual([['GET', 'invite_link', [id]]]);
  });

  it('an unknown group fails at inviteLink with NOT_FOUND', async () => {
    const unknown = 'Y2FwaV9ncm91cDpub3RoZXJl';
    const { body } = await gw.query(InviteLink, { id: unknown });
    expect(body.data).toEqual({ group: { id: unknown, inviteLink: null } });
    expect(body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['group', 'inviteLink'], 'NOT_FOUND']]);
  });

  it('inviteLink of 20 aliased groups is 1 upstream request, one batch slot each; an unknown group fails only its own path', async () => {
    const ids = Array.from({ length: 20 }, () => gw.sandbox.groups.seedGroup().id);
    const unknown = 'Y2FwaV9ncm91cDpub3RoZXJl';
    gw.takeUpstreamRequests();
    const query = `{ ${[...ids, unknown].map((id, i) => `g${i}: group(id: "${id}") { inviteLink }`).join(' ')} }`;
    const { body } = await gw.query(query);
    ids.forEach((id, i) => expect(body.data?.[`g${i}` as never]).toEqual({ inviteLink: linkOf(id) }));
    expect(body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['g20', 'inviteLink'], 'NOT_FOUND']]);
    const upstream = gw.takeUpstreamRequests();
    expect(upstream).toHaveLength(1);
    expect(upstream[0]).toMatchObject({ method: 'POST', kind: 'batch', ids: [...ids, unknown] });
    expect(upstream[0]!.batchOps?.map((op) => op.kind)).toEqual(Array(21).fill('invite_link'));
  });

  it('inviteLink and joinRequests on _entities: ten references are one batch request of twenty edge reads', async () => {
    const ids = Array.from({ length: 10 }, () => gw.sandbox.groups.seedGroup({ joinApprovalMode: 'approval_required', joinRequests: 1 }).id);
    gw.takeUpstreamRequests();
    const { body } = await gw.query(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Group { id inviteLink joinRequests { nodes { id } } } } }`,
      { r: ids.map((id) => ({ __typename: 'Group', id })) } as never,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({
      _entities: ids.map((id) => ({
        id,
        inviteLink: linkOf(id),
        joinRequests: { nodes: gw.sandbox.groups.get(id)!.joinRequests.map((r) => ({ id: r.id })) },
      })),
    });
    const upstream = gw.takeUpstreamRequests();
    expect(upstream.map((r) => r.kind)).toEqual(['batch']);
    expect(upstream[0]!.batchOps?.map((op) => op.kind).sort()).toEqual([...Array(10).fill('invite_link'), ...Array(10).fill('join_requests')]);
  });
});

describe('joinRequests: a paged edge, batched like nodes', () => {
  it('joinRequests { nodes { id } } on a 20-group page costs 2 upstream requests: the list, then one batch', async () => {
    const tenant = seedTenant(gw.sandbox, Array.from({ length: 20 }, (_, i) => ({ joinApprovalMode: 'approval_required' as const, joinRequests: i % 3 })));
    gw.takeUpstreamRequests();
    const { body } = await gw.query(PageJoinRequests, { phoneNumberId: tenant.phoneNumberId, first: 20 }, { authorization: `Bearer ${tenant.token}` });
    expect(body.errors).toBeUndefined();
    const nodes = body.data!.groups.nodes;
    expect(nodes).toHaveLength(20);
    for (const node of nodes) {
      expect(node.joinRequests.nodes.map((r) => r.id)).toEqual(gw.sandbox.groups.get(node.id)!.joinRequests.map((r) => r.id));
    }
    const upstream = gw.takeUpstreamRequests();
    expect(upstream.map((r) => r.kind)).toEqual(['groups', 'batch']);
    expect(upstream[1]!.batchOps?.map((op) => op.kind)).toEqual(Array(20).fill('join_requests'));
  });

  it('pages through one group\'s join requests with first/after, each once', async () => {
    const { id } = gw.sandbox.groups.seedGroup({ joinApprovalMode: 'approval_required', joinRequests: 5 });
    const expected = gw.sandbox.groups.get(id)!.joinRequests;
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const { body } = await gw.query(JoinRequestsOfGroup, { id, first: 2, ...(after ? { after } : {}) });
      expect(body.errors).toBeUndefined();
      const connection = body.data!.group!.joinRequests;
      seen.push(...connection.edges.map((e) => e.node.id));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor!;
    }
    expect(seen).toEqual(expected.map((r) => r.id));
    const first = expected[0]!;
    const { body } = await gw.query(JoinRequestsOfGroup, { id, first: 1 });
    expect(body.data!.group!.joinRequests.edges[0]!.node).toEqual({
      id: first.id,
      waId: first.waId,
      creationTimestamp: first.creationTimestamp,
      createdAt: new Date(first.creationTimestamp * 1000).toISOString(),
    });
  });

  it('a nested page size out of range is refused before any upstream call', async () => {
    const { id } = gw.sandbox.groups.seedGroup();
    gw.takeUpstreamRequests();
    const { body } = await gw.query(JoinRequestsOfGroup, { id, first: 0 });
    expect(body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(gw.takeUpstreamRequests()).toEqual([]);
  });
});
