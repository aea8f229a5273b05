import { execute, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { GatewayContext } from '../../src/context.js';
import type { GroupKey } from '../../src/graph/group-loader.js';
import { schema } from '../../src/schema/index.js';

/** Runs an operation with a loader that records the keys it is asked for (no upstream involved). */
async function lookupsOf(source: string, variableValues: Record<string, unknown> = {}): Promise<GroupKey[]> {
  const keys: GroupKey[] = [];
  const contextValue = {
    graph: { groups: { load: async (key: GroupKey) => (keys.push(key), { id: key.id }) } },
  } as unknown as GatewayContext;
  const result = await execute({ schema, document: parse(source), variableValues, contextValue });
  expect(result.errors).toBeUndefined();
  return keys;
}

describe('selection → Graph fields', () => {
  it('asks only for the selected fields, plus id', async () => {
    expect(await lookupsOf('{ group(id: "g1") { subject } }')).toEqual([{ id: 'g1', fields: ['id', 'subject'] }]);
  });

  it('selecting id and subject does not fetch participants', async () => {
    const [key] = await lookupsOf('{ group(id: "g1") { id subject } }');
    expect(key?.fields).not.toContain('participants');
    expect(key?.fields).toEqual(['id', 'subject']);
  });

  it('maps every GraphQL field to its Graph field name', async () => {
    const [key] = await lookupsOf(`{ group(id: "g1") {
      id messagingProduct subject description suspended joinApprovalMode creationTimestamp createdAt
      participants { waId userId parentUserId username } totalParticipantCount __typename } }`);
    expect(key?.fields).toEqual([
      'creation_timestamp', 'description', 'id', 'join_approval_mode', 'messaging_product',
      'participants', 'subject', 'suspended', 'total_participant_count',
    ]);
  });

  it('nested participant fields all come from the one `participants` Graph field', async () => {
    const [key] = await lookupsOf('{ group(id: "g1") { participants { waId username } } }');
    expect(key?.fields).toEqual(['id', 'participants']);
  });

  it('follows named fragments, inline fragments and aliases', async () => {
    const [key] = await lookupsOf(`
      query { group(id: "g1") { ...Names ... on Group { mode: joinApprovalMode } title: subject } }
      fragment Names on Group { description }`);
    expect(key?.fields).toEqual(['description', 'id', 'join_approval_mode', 'subject']);
  });

  it('honours @include and @skip driven by variables', async () => {
    const source = `query ($withPeople: Boolean!, $noCount: Boolean!) {
      group(id: "g1") { subject participants @include(if: $withPeople) { waId } totalParticipantCount @skip(if: $noCount) } }`;
    expect((await lookupsOf(source, { withPeople: false, noCount: true }))[0]?.fields).toEqual(['id', 'subject']);
    expect((await lookupsOf(source, { withPeople: true, noCount: false }))[0]?.fields).toEqual([
      'id', 'participants', 'subject', 'total_participant_count',
    ]);
  });

  it('each alias gets the fields of its own selection', async () => {
    const keys = await lookupsOf('{ a: group(id: "g1") { subject } b: group(id: "g2") { description } }');
    expect(keys).toEqual([
      { id: 'g1', fields: ['id', 'subject'] },
      { id: 'g2', fields: ['description', 'id'] },
    ]);
  });

  it('federation _entities pushes down the fields under `... on Group`', async () => {
    const keys = await lookupsOf(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Group { subject totalParticipantCount } } }`,
      { r: [{ __typename: 'Group', id: 'g1' }, { __typename: 'Group', id: 'g2' }] },
    );
    expect(keys).toEqual([
      { id: 'g1', fields: ['id', 'subject', 'total_participant_count'] },
      { id: 'g2', fields: ['id', 'subject', 'total_participant_count'] },
    ]);
  });
});
