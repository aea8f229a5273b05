import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { parse } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { campaignsTypeDefs, startCampaignsSubgraph, type CampaignsSubgraph } from './campaigns-subgraph.js';

interface RouterContext {
  authorization?: string;
}

let groups: TestGateway;
let campaigns: CampaignsSubgraph;
let router: ApolloServer<RouterContext>;
let routerUrl: string;
let hints: string[];
const token = 'federation-tenant-token';

beforeAll(async () => {
  groups = await startGateway();
  campaigns = await startCampaignsSubgraph();
  const composed = composeServices([
    { name: 'groups', url: groups.url, typeDefs: parse(readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8')) },
    { name: 'campaigns', url: campaigns.url, typeDefs: campaignsTypeDefs },
  ]);
  if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join('\n'));
  hints = composed.hints.map((hint) => `${hint.definition.code}: ${hint.message}`);

  const gateway = new ApolloGateway({
    supergraphSdl: composed.supergraphSdl,
    // The router forwards the caller's Authorization header to the subgraphs: the propagation a
    // platform team configures (docs/federation.md).
    buildService: ({ url }) =>
      new RemoteGraphQLDataSource<RouterContext>({
        url,
        willSendRequest({ request, context }) {
          if (context.authorization) request.http?.headers.set('authorization', context.authorization);
        },
      }),
  });
  router = new ApolloServer<RouterContext>({ gateway });
  ({ url: routerUrl } = await startStandaloneServer(router, {
    listen: { port: 0, host: '127.0.0.1' },
    context: async ({ req }) => ({ authorization: req.headers.authorization }),
  }));
}, 60_000);

afterAll(async () => {
  await router?.stop();
  await campaigns?.close();
  await groups?.close();
});

beforeEach(() => {
  groups.sandbox.tokens.addToken(token, { groups: '*' });
});

async function viaRouter(query: string, authorization = `Bearer ${token}`) {
  const response = await fetch(routerUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { data?: Record<string, unknown> | null; errors?: { message: string; path?: unknown[]; extensions?: Record<string, unknown> }[] };
}

function campaignsFor(groupIds: string[]) {
  return groupIds.map((groupId, i) => ({ id: `c${i}`, name: `Campaign ${i}`, groupId }));
}

function seed(count: number): string[] {
  return Array.from({ length: count }, (_, i) => groups.sandbox.groups.seedGroup({ subject: `Group ${i}`, participants: 2 }).id);
}

describe('Group as an entity of a supergraph, through a real gateway', () => {
  it('composes with the campaigns subgraph without errors', () => {
    expect(hints).toEqual([]);
  });

  it('merges campaign data with group fields read from the Graph API', async () => {
    const ids = seed(3);
    campaigns.campaigns = campaignsFor(ids);
    groups.takeUpstreamRequests();
    const body = await viaRouter('{ campaigns { name group { id subject participants { waId } } } }');
    expect(body.errors).toBeUndefined();
    expect(body.data?.campaigns).toEqual(
      ids.map((id, i) => ({
        name: `Campaign ${i}`,
        group: { id, subject: `Group ${i}`, participants: groups.sandbox.groups.get(id)!.participants.map((p) => ({ waId: p.waId ?? null })) },
      })),
    );
    const upstream = groups.takeUpstreamRequests();
    expect(upstream.map((r) => ({ kind: r.kind, ids: r.ids, fields: r.fields }))).toEqual([
      { kind: 'batch', ids, fields: ['id', 'participants', 'subject'] },
    ]);
  });

  it('ten references cost one upstream request; a hundred cost two', async () => {
    const ten = seed(10);
    campaigns.campaigns = campaignsFor(ten);
    groups.takeUpstreamRequests();
    expect((await viaRouter('{ campaigns { group { subject } } }')).errors).toBeUndefined();
    expect(groups.takeUpstreamRequests().map((r) => r.ids.length)).toEqual([10]);

    const hundred = seed(100);
    campaigns.campaigns = campaignsFor(hundred);
    const body = await viaRouter('{ campaigns { group { subject } } }');
    expect(body.errors).toBeUndefined();
    expect((body.data?.campaigns as unknown[]).length).toBe(100);
    expect(groups.takeUpstreamRequests().map((r) => r.ids.length)).toEqual([50, 50]);
  });

  it('inviteLink and joinRequests of referenced groups arrive through the router in one upstream batch, without node reads', async () => {
    const ids = Array.from({ length: 12 }, () => groups.sandbox.groups.seedGroup({ joinApprovalMode: 'approval_required', joinRequests: 1 }).id);
    campaigns.campaigns = campaignsFor(ids);
    groups.takeUpstreamRequests();
    const { data, errors } = await viaRouter('{ campaigns { name group { inviteLink joinRequests { nodes { id } } } } }');
    expect(errors).toBeUndefined();
    expect(data?.campaigns).toEqual(
      ids.map((id, i) => {
        const stored = groups.sandbox.groups.get(id)!;
        return {
          name: `Campaign ${i}`,
          group: { inviteLink: `https://chat.whatsapp.com/${stored.inviteCode}`, joinRequests: { nodes: stored.joinRequests.map((r) => ({ id: r.id })) } },
        };
      }),
    );
    const upstream = groups.takeUpstreamRequests();
    expect(upstream.map((r) => r.kind)).toEqual(['batch']);
    expect(upstream[0]!.batchOps?.map((op) => op.kind).sort()).toEqual([...Array(12).fill('invite_link'), ...Array(12).fill('join_requests')]);
  });

  it('one unknown group does not null the others', async () => {
    const [first, second] = seed(2);
    campaigns.campaigns = campaignsFor([first!, 'Y2FwaV9ncm91cDpnb25l', second!]);
    const body = await viaRouter('{ campaigns { name group { subject } } }');
    // The router keeps the reference the campaigns subgraph returned; the fields this subgraph owns are null.
    expect(body.data?.campaigns).toEqual([
      { name: 'Campaign 0', group: { subject: 'Group 0' } },
      { name: 'Campaign 1', group: { subject: null } },
      { name: 'Campaign 2', group: { subject: 'Group 1' } },
    ]);
    expect(body.errors).toEqual([
      {
        message: expect.stringMatching(/^\(#131041\) Group unknown/),
        path: ['campaigns', 1, 'group'],
        extensions: { code: 'NOT_FOUND', graphApi: expect.objectContaining({ code: 131041 }), serviceName: 'groups' },
      },
    ]);
  });

  it('the Authorization header sent to the router is the token the Graph API receives', async () => {
    const ids = seed(2);
    campaigns.campaigns = campaignsFor(ids);
    groups.takeUpstreamRequests();
    expect((await viaRouter('{ campaigns { group { subject } } }')).errors).toBeUndefined();
    const fingerprint = createHash('sha256').update(token).digest('hex').slice(0, 8);
    expect(groups.takeUpstreamRequests().map((r) => r.tokenFingerprint)).toEqual([fingerprint]);
  });

  it('without a propagated token the group fields fail UNAUTHENTICATED and the campaigns still arrive', async () => {
    const ids = seed(1);
    campaigns.campaigns = campaignsFor(ids);
    groups.takeUpstreamRequests();
    const response = await fetch(routerUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ campaigns { name group { subject } } }' }),
    });
    const body = (await response.json()) as { data?: { campaigns?: unknown }; errors?: { extensions?: Record<string, unknown> }[] };
    expect(body.data?.campaigns).toEqual([{ name: 'Campaign 0', group: { subject: null } }]);
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(groups.takeUpstreamRequests()).toEqual([]);
  });
});

describe('the subgraph schema', () => {
  it('_service.sdl carries the federation link and Group @key', async () => {
    const { body } = await groups.query<{ _service: { sdl: string } }, never>('{ _service { sdl } }');
    expect(body.data?._service.sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.6"');
    expect(body.data?._service.sdl).toMatch(/type Group\s+@key\(fields: "id"\)/);
  });

  it('_entities with ten representations costs one upstream request', async () => {
    const ids = seed(10);
    groups.takeUpstreamRequests();
    const { body } = await groups.query<{ _entities: { id: string; subject: string }[] }, { r: unknown[] }>(
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Group { id subject } } }',
      { r: ids.map((id) => ({ __typename: 'Group', id })) },
      { authorization: `Bearer ${token}` },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?._entities.map((g) => g.id)).toEqual(ids);
    expect(groups.takeUpstreamRequests().map((r) => ({ kind: r.kind, n: r.ids.length, fields: r.fields }))).toEqual([
      { kind: 'batch', n: 10, fields: ['id', 'subject'] },
    ]);
  });
});
