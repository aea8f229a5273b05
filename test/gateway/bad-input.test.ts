import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

const GroupById = graphql(`
  query GroupById($id: ID!) {
    group(id: $id) {
      id
    }
  }
`);

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());

describe('ids that cannot be Graph ids are BAD_USER_INPUT before any upstream call', () => {
  it.each([
    ['a slash', 'abc/def'],
    ['a path traversal', '../me'],
    ['a query string', 'abc?fields=access_token'],
    ['an ampersand', 'abc&ids=1'],
    ['a fragment', 'abc#x'],
    ['percent-encoding', 'abc%2Fdef'],
    ['a space', 'abc def'],
    ['a newline', 'abc\ndef'],
    ['a tab only', '\t'],
    ['..', '..'],
    ['the empty string', ''],
    ['300 characters', 'x'.repeat(300)],
  ])('%s', async (_label, id) => {
    gw.takeUpstreamRequests();
    const { body } = await gw.query(GroupById, { id });
    expect(body.data).toEqual({ group: null });
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]).toMatchObject({ path: ['group'], extensions: { code: 'BAD_USER_INPUT' } });
    expect(body.errors?.[0]?.message).toMatch(/^Invalid group id: /);
    expect(gw.takeUpstreamRequests()).toEqual([]);
  });

  it('a bad id among good ones fails alone, and the good ones are still read in one request', async () => {
    const [first, second] = gw.sandbox.demoGroupIds;
    gw.takeUpstreamRequests();
    const { body } = await gw.query(`{ a: group(id: "${first}") { id } b: group(id: "x/y") { id } c: group(id: "${second}") { id } }`);
    expect(body.data).toEqual({ a: { id: first }, b: null, c: { id: second } });
    expect(body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['b'], 'BAD_USER_INPUT']]);
    expect(gw.takeUpstreamRequests()).toHaveLength(1);
  });
});

describe('malformed operations', () => {
  it('a syntax error is BAD_USER_INPUT and nothing goes upstream', async () => {
    gw.takeUpstreamRequests();
    const { status, body } = await gw.query('{ group(id: "1") { subject }');
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(gw.takeUpstreamRequests()).toEqual([]);
  });

  it('an unknown field is BAD_USER_INPUT', async () => {
    const { body } = await gw.query('{ group(id: "1") { accessToken } }');
    expect(body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('a variable of the wrong type is BAD_USER_INPUT', async () => {
    const { body } = await gw.query(GroupById, { id: { nested: true } } as never);
    expect(body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });
});
