import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

const GroupSubject = graphql(`
  query GroupSubject($id: ID!) {
    group(id: $id) {
      id
      subject
    }
  }
`);

const GroupEverything = graphql(`
  query GroupEverything($id: ID!) {
    group(id: $id) {
      id
      messagingProduct
      subject
      description
      suspended
      joinApprovalMode
      creationTimestamp
      createdAt
      participants {
        waId
        userId
        username
      }
      totalParticipantCount
    }
  }
`);

const GroupWithFragments = graphql(`
  query GroupWithFragments($id: ID!, $withPeople: Boolean!) {
    group(id: $id) {
      ...GroupNames
      ... on Group {
        mode: joinApprovalMode
      }
      participants @include(if: $withPeople) {
        waId
      }
    }
  }
  fragment GroupNames on Group {
    title: subject
  }
`);

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());

describe('field pushdown', () => {
  it('selecting id and subject asks the Graph API for id and subject only, not participants', async () => {
    const id = gw.sandbox.demoGroupIds[0]!;
    gw.takeUpstreamRequests();
    const { body } = await gw.query(GroupSubject, { id });
    expect(body.errors).toBeUndefined();
    expect(body.data?.group).toEqual({ id, subject: gw.sandbox.groups.get(id)?.subject });
    const upstream = gw.takeUpstreamRequests();
    expect(upstream.map((r) => ({ method: r.method, kind: r.kind, ids: r.ids, fields: r.fields }))).toEqual([
      { method: 'GET', kind: 'read', ids: [id], fields: ['id', 'subject'] },
    ]);
  });

  it('createdAt selected alone asks the Graph API for creation_timestamp (and id), and is that time as a date-time', async () => {
    const id = gw.sandbox.demoGroupIds[0]!;
    gw.takeUpstreamRequests();
    const { body } = await gw.query(`{ group(id: "${id}") { createdAt } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ group: { createdAt: new Date(gw.sandbox.groups.get(id)!.creationTimestamp * 1000).toISOString() } });
    expect(gw.takeUpstreamRequests().map((r) => ({ kind: r.kind, ids: r.ids, fields: r.fields }))).toEqual([
      { kind: 'read', ids: [id], fields: ['creation_timestamp', 'id'] },
    ]);
  });

  it('returns every field as the Graph API stores it, in GraphQL names', async () => {
    const group = gw.sandbox.groups.seedGroup({ participants: 3, description: 'Weekly deals', joinApprovalMode: 'approval_required' });
    gw.takeUpstreamRequests();
    const { body } = await gw.query(GroupEverything, { id: group.id });
    expect(body.errors).toBeUndefined();
    const stored = gw.sandbox.groups.get(group.id)!;
    expect(body.data?.group).toEqual({
      id: group.id,
      messagingProduct: 'whatsapp',
      subject: stored.subject,
      description: 'Weekly deals',
      suspended: false,
      joinApprovalMode: 'APPROVAL_REQUIRED',
      creationTimestamp: stored.creationTimestamp,
      createdAt: new Date(stored.creationTimestamp * 1000).toISOString(),
      participants: stored.participants.map((p) => ({ waId: p.waId ?? null, userId: p.userId ?? null, username: p.username ?? null })),
      totalParticipantCount: 3,
    });
    expect(gw.takeUpstreamRequests()[0]?.fields).toEqual([
      'creation_timestamp', 'description', 'id', 'join_approval_mode', 'messaging_product',
      'participants', 'subject', 'suspended', 'total_participant_count',
    ]);
  });

  it('follows fragments, inline fragments, aliases and @include with variables', async () => {
    const id = gw.sandbox.demoGroupIds[0]!;
    gw.takeUpstreamRequests();
    await gw.query(GroupWithFragments, { id, withPeople: false });
    await gw.query(GroupWithFragments, { id, withPeople: true });
    expect(gw.takeUpstreamRequests().map((r) => r.fields)).toEqual([
      ['id', 'join_approval_mode', 'subject'],
      ['id', 'join_approval_mode', 'participants', 'subject'],
    ]);
  });
});
