import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

const TOKEN = 'mutations-delete-token';
const auth = { authorization: `Bearer ${TOKEN}` };

const DeleteGroup = /* GraphQL */ `
  mutation DeleteGroup($input: DeleteGroupInput!) { deleteGroup(input: $input) { success deletedGroupId requestId } }
`;

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway();
  gw.sandbox.tokens.addToken(TOKEN, { groups: '*' });
});
afterAll(() => gw.close());

describe('deleteGroup', () => {
  it('removes the group: the sandbox no longer has it and reading it is NOT_FOUND', async () => {
    const id = gw.sandbox.groups.seedGroup().id;
    gw.takeUpstreamRequests();
    const { status, body } = await gw.query(DeleteGroup, { input: { id } }, auth);
    expect(status).toBe(200);
    expect(body).toEqual({ data: { deleteGroup: { success: true, deletedGroupId: id, requestId: null } } });
    expect(gw.takeUpstreamRequests().map((r) => ({ method: r.method, kind: r.kind, ids: r.ids, status: r.status }))).toEqual([
      { method: 'DELETE', kind: 'delete', ids: [id], status: 200 },
    ]);
    expect(gw.sandbox.groups.get(id)).toBeUndefined();

    const read = await gw.query('query ($id: ID!) { group(id: $id) { id } }', { id }, auth);
    expect(read.body.data).toEqual({ group: null });
    expect(read.body.errors?.[0]).toMatchObject({ path: ['group'], extensions: { code: 'NOT_FOUND' } });
  });

  it('deleting the same group twice in one operation: the second is NOT_FOUND', async () => {
    const id = gw.sandbox.groups.seedGroup().id;
    const { body } = await gw.query(
      `mutation ($input: DeleteGroupInput!) { deleteGroup(input: $input) { deletedGroupId } again: deleteGroup(input: $input) { deletedGroupId } }`,
      { input: { id } },
      auth,
    );
    expect(body.data).toBeNull();
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]).toMatchObject({ path: ['again'], extensions: { code: 'NOT_FOUND' } });
    expect(gw.sandbox.groups.get(id)).toBeUndefined();
  });

  it('accepts the other answer shape, {"request_id": …}, and returns the id', async () => {
    const other = await startGateway({ sandbox: { deleteResponse: 'request_id' } });
    try {
      other.sandbox.tokens.addToken(TOKEN, { groups: '*' });
      const id = other.sandbox.groups.seedGroup().id;
      const { body } = await other.query(DeleteGroup, { input: { id } }, auth);
      const payload = (body.data as { deleteGroup: { success: boolean; deletedGroupId: string; requestId: string } }).deleteGroup;
      expect(payload).toEqual({ success: true, deletedGroupId: id, requestId: expect.stringMatching(/^[0-9A-F]{32}$/) });
      expect(other.sandbox.groups.get(id)).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it('an unknown group is NOT_FOUND', async () => {
    const { body } = await gw.query(DeleteGroup, { input: { id: 'Y2FwaV9ncm91cDpnb25l' } }, auth);
    expect(body.data).toBeNull();
    expect(body.errors?.[0]).toMatchObject({
      path: ['deleteGroup'],
      extensions: { code: 'NOT_FOUND', graphApi: { code: 131041 } },
    });
  });

  it('a malformed id is BAD_USER_INPUT and nothing goes upstream', async () => {
    gw.takeUpstreamRequests();
    const { body } = await gw.query(DeleteGroup, { input: { id: 'abc/def' } }, auth);
    expect(body.errors?.[0]).toMatchObject({ path: ['deleteGroup'], extensions: { code: 'BAD_USER_INPUT' } });
    expect(gw.takeUpstreamRequests()).toEqual([]);
  });

  it('without a token: UNAUTHENTICATED and the group stays', async () => {
    const id = gw.sandbox.groups.seedGroup().id;
    gw.takeUpstreamRequests();
    const { body } = await gw.query(DeleteGroup, { input: { id } }, { authorization: undefined });
    expect(body.errors?.[0]).toMatchObject({ path: ['deleteGroup'], extensions: { code: 'UNAUTHENTICATED' } });
    expect(gw.takeUpstreamRequests()).toEqual([]);
    expect(gw.sandbox.groups.get(id)).toBeDefined();
  });
});
