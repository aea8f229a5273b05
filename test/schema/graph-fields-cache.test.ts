import { execute, parse, type DocumentNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { GatewayContext } from '../../src/context.js';
import type { GroupKey } from '../../src/graph/group-loader.js';
import { schema } from '../../src/schema/index.js';

/** Runs an already parsed operation (as Yoga's document cache hands it out) and records the loader keys. */
async function lookupsOf(document: DocumentNode, operationName?: string, variableValues: Record<string, unknown> = {}): Promise<GroupKey[]> {
  const keys: GroupKey[] = [];
  const contextValue = { graph: { groups: { load: async (key: GroupKey) => (keys.push(key), { id: key.id }) } } } as unknown as GatewayContext;
  const result = await execute({ schema, document, operationName, variableValues, contextValue });
  expect(result.errors).toBeUndefined();
  return keys;
}

describe('Graph fields of a document seen again', () => {
  it('the same parsed document asks for the same fields every time', async () => {
    const document = parse('{ a: group(id: "g1") { subject } b: group(id: "g2") { participants { waId } } }');
    const first = await lookupsOf(document);
    expect(first).toEqual([
      { id: 'g1', fields: ['id', 'subject'] },
      { id: 'g2', fields: ['id', 'participants'] },
    ]);
    expect(await lookupsOf(document)).toEqual(first);
  });

  it('a fragment merged with different fields in two operations of one document gets each its own fields', async () => {
    const document = parse(`
      query One { ...P }
      query Two { ...P g: group(id: "g1") { description } }
      fragment P on Query { g: group(id: "g1") { subject } }`);
    expect((await lookupsOf(document, 'One'))[0]?.fields).toEqual(['id', 'subject']);
    expect((await lookupsOf(document, 'Two'))[0]?.fields).toEqual(['description', 'id', 'subject']);
    expect((await lookupsOf(document, 'One'))[0]?.fields).toEqual(['id', 'subject']);
  });

  it('@include driven by a variable is honoured on every run of the same document', async () => {
    const document = parse('query ($p: Boolean!) { group(id: "g1") { subject participants @include(if: $p) { waId } } }');
    expect((await lookupsOf(document, undefined, { p: true }))[0]?.fields).toEqual(['id', 'participants', 'subject']);
    expect((await lookupsOf(document, undefined, { p: false }))[0]?.fields).toEqual(['id', 'subject']);
    expect((await lookupsOf(document, undefined, { p: true }))[0]?.fields).toEqual(['id', 'participants', 'subject']);
  });

  it('_entities selections are cached per type without mixing them up with group()', async () => {
    const document = parse(`query ($r: [_Any!]!) {
      _entities(representations: $r) { ... on Group { description } }
      group(id: "g9") { subject } }`);
    const representations = [{ __typename: 'Group', id: 'g1' }];
    for (let run = 0; run < 2; run++) {
      const keys = await lookupsOf(document, undefined, { r: representations });
      expect(keys).toEqual(expect.arrayContaining([{ id: 'g1', fields: ['description', 'id'] }, { id: 'g9', fields: ['id', 'subject'] }]));
    }
  });
});
