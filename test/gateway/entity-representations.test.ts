import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assertGroupId } from '../../src/graph/group-id.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

/**
 * Federation `_entities` takes `_Any` representations: any JSON a caller (or a router) sends. Each
 * representation's `id` must pass the same rules as `group(id:)`, for literal lists and variables
 * alike, before any upstream call; and the ids cap counts them however they are written.
 */
let gw: TestGateway;
let id: string;
beforeAll(async () => {
  gw = await startGateway({ env: { MAX_IDS_PER_OPERATION: '5' } });
  id = gw.sandbox.demoGroupIds[0]!;
});
afterAll(() => gw.close());
beforeEach(() => void gw.takeUpstreamRequests());

const byVariable = 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Group { id subject } } }';
const literal = (representations: string) => `{ _entities(representations: ${representations}) { ... on Group { id subject } } }`;

async function expectRefused(response: Awaited<ReturnType<TestGateway['query']>>, message: RegExp) {
  expect(response.body.data ?? null).toBeNull();
  expect(response.body.errors).toEqual([
    expect.objectContaining({ message: expect.stringMatching(message), extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }),
  ]);
  expect(gw.takeUpstreamRequests()).toEqual([]);
}

describe('_entities representation ids', () => {
  it('a valid representation is read (the control case)', async () => {
    const { body } = await gw.query(byVariable, { r: [{ __typename: 'Group', id }] });
    expect(body).toEqual({ data: { _entities: [{ id, subject: gw.sandbox.groups.get(id)?.subject }] } });
    expect(gw.takeUpstreamRequests().map((r) => r.ids)).toEqual([[id]]);
  });

  it.each([
    ['an array holding a valid id', () => [id], /representation 0 is not a group id: it must be a string, got an array/],
    ['an array of one 5000-character string', () => ['A'.repeat(5000)], /got an array/],
    ['an object', () => ({ toString: id }), /got an object/],
    ['a number', () => 42, /got a number/],
    ['null', () => null, /got null/],
    ['a string with a slash', () => 'abc/def', /only letters, digits/],
    ['a 5000-character string', () => 'A'.repeat(5000), /5000 characters long/],
  ])('an id that is %s, in variables: BAD_USER_INPUT, nothing upstream', async (_label, badId, message) => {
    await expectRefused(await gw.query(byVariable, { r: [{ __typename: 'Group', id }, { __typename: 'Group', id: badId() }] }), new RegExp(message.source.replace('representation 0', 'representation 1')));
  });

  it.each([
    ['a list', `["${id}"]`, /got an array/],
    ['an object', `{ x: "${id}" }`, /got an object/],
    ['a number', '42', /got a number/],
    ['missing', '', /got undefined/],
    ['"..", a path segment', '".."', /a path segment/],
  ])('an id that is %s in a literal list: BAD_USER_INPUT, nothing upstream', async (_label, badId, message) => {
    const representation = badId ? `{ __typename: "Group", id: ${badId} }` : '{ __typename: "Group" }';
    await expectRefused(await gw.query(literal(`[${representation}]`)), message);
  });

  it('a representation that is not an object is refused', async () => {
    await expectRefused(await gw.query(byVariable, { r: [id] }), /representation 0 must be an object/);
    await expectRefused(await gw.query(literal(`["${id}"]`)), /representation 0 must be an object/);
  });

  it('a representations variable not sent, or a null item, gets graphql-js\'s own coercion error', async () => {
    for (const variables of [{}, { r: [null] }]) {
      const { body } = await gw.query(byVariable, variables);
      expect(body.errors).toEqual([expect.objectContaining({ message: expect.stringMatching(/^Variable "\$r" /), extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })]);
    }
    expect(gw.takeUpstreamRequests()).toEqual([]);
  });

  it('a variable inside a literal list is checked too', async () => {
    const query = 'query ($x: _Any!) { _entities(representations: [{ __typename: "Group", id: $x }]) { ... on Group { id } } }';
    await expectRefused(await gw.query(query, { x: [id] }), /got an array/);
  });
});

describe('the resolver behind _entities', () => {
  it('refuses a non-string id itself too (BAD_USER_INPUT, never a crash), should a representation get past the plugin', () => {
    for (const id of [['Y2FwaV9ncm91cDox'], { id: 'x' }, 42, null, undefined]) {
      expect(() => assertGroupId(id)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/^Invalid group id: it must be a string, got /) }));
    }
    expect(assertGroupId('Y2FwaV9ncm91cDox')).toBe('Y2FwaV9ncm91cDox');
  });
});

describe('the ids cap counts _entities however they are written', () => {
  const reps = (n: number) => Array.from({ length: n }, () => `{ __typename: "Group", id: "${id}" }`).join(', ');

  it('a literal list of MAX_IDS_PER_OPERATION runs; one more is refused before any upstream call', async () => {
    expect((await gw.query(literal(`[${reps(5)}]`))).body.errors).toBeUndefined();
    gw.takeUpstreamRequests();
    await expectRefused(await gw.query(literal(`[${reps(6)}]`)), /looks up 6 groups; at most 5/);
  });

  it('variables and literal lists add up across fields', async () => {
    const query = `query ($r: [_Any!]!) { a: _entities(representations: $r) { __typename } b: _entities(representations: [${reps(3)}]) { __typename } }`;
    await expectRefused(await gw.query(query, { r: [{ __typename: 'Group', id }, { __typename: 'Group', id }, { __typename: 'Group', id }] }), /looks up 6 groups/);
  });
});
