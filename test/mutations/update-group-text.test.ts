import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

const TOKEN = 'mutations-text-token';
const auth = { authorization: `Bearer ${TOKEN}` };

const UpdateGroup = /* GraphQL */ `
  mutation UpdateGroup($input: UpdateGroupInput!) {
    updateGroup(input: $input) { success updatedFields requestId requestIds group { id subject description } }
  }
`;
const UpdateGroupNoRead = /* GraphQL */ `
  mutation UpdateGroupNoRead($input: UpdateGroupInput!) { updateGroup(input: $input) { success updatedFields } }
`;

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway();
  gw.sandbox.tokens.addToken(TOKEN, { groups: '*' });
});
afterAll(() => gw.close());

function seed(subject = 'Before'): string {
  return gw.sandbox.groups.seedGroup({ subject, description: 'Old description' }).id;
}

/** What went upstream since the last call, as method/kind/fields. */
function upstream() {
  return gw.takeUpstreamRequests().map((r) => ({ method: r.method, kind: r.kind, ids: r.ids, fields: r.fields }));
}

describe('updateGroup: subject and description', () => {
  it('changes the subject, and `group` reads the new one back with a fresh upstream read', async () => {
    const id = seed();
    gw.takeUpstreamRequests();
    const { status, body } = await gw.query(UpdateGroup, { input: { id, subject: 'After' } }, auth);
    expect(status).toBe(200);
    expect(body).toEqual({
      data: {
        updateGroup: {
          success: true,
          updatedFields: ['SUBJECT'],
          requestId: null,
          requestIds: [],
          group: { id, subject: 'After', description: 'Old description' },
        },
      },
    });
    expect(gw.sandbox.groups.get(id)?.subject).toBe('After');
    expect(upstream()).toEqual([
      { method: 'POST', kind: 'update', ids: [id], fields: null },
      { method: 'GET', kind: 'read', ids: [id], fields: ['description', 'id', 'subject'] },
    ]);
  });

  it('sends subject and description in one JSON request, the subject trimmed', async () => {
    const id = seed();
    gw.takeUpstreamRequests();
    const { body } = await gw.query(UpdateGroupNoRead, { input: { id, subject: '  Trimmed  ', description: 'New description' } }, auth);
    expect(body).toEqual({ data: { updateGroup: { success: true, updatedFields: ['SUBJECT', 'DESCRIPTION'] } } });
    expect(gw.sandbox.groups.get(id)).toMatchObject({ subject: 'Trimmed', description: 'New description' });
    // `group` not selected: nothing is read back.
    expect(upstream()).toEqual([{ method: 'POST', kind: 'update', ids: [id], fields: null }]);
  });

  it('accepts the limits exactly: 128 characters of subject (counted as code points), 2048 of description', async () => {
    const id = seed();
    const subject = '😀'.repeat(128); // 256 UTF-16 units, 128 characters
    const description = 'd'.repeat(2048);
    const { body } = await gw.query(UpdateGroupNoRead, { input: { id, subject, description } }, auth);
    expect(body.errors).toBeUndefined();
    expect(gw.sandbox.groups.get(id)).toMatchObject({ subject, description });
  });

  it('two updates in one operation each read their own result back (the cached group is forgotten)', async () => {
    const id = seed();
    const { body } = await gw.query(
      `mutation Twice($id: ID!) {
        first: updateGroup(input: { id: $id, subject: "First" }) { group { subject } }
        second: updateGroup(input: { id: $id, subject: "Second" }) { group { subject } }
      }`,
      { id },
      auth,
    );
    expect(body).toEqual({ data: { first: { group: { subject: 'First' } }, second: { group: { subject: 'Second' } } } });
  });

  it('returns the request_id when the Graph API answers with one', async () => {
    const other = await startGateway({ sandbox: { updateResponse: 'request_id' } });
    try {
      other.sandbox.tokens.addToken(TOKEN, { groups: '*' });
      const id = other.sandbox.groups.seedGroup().id;
      const { body } = await other.query(UpdateGroupNoRead.replace('success updatedFields', 'success requestId requestIds'), { input: { id, subject: 'X' } }, auth);
      const payload = (body.data as { updateGroup: { success: boolean; requestId: string; requestIds: string[] } }).updateGroup;
      expect(payload.success).toBe(true);
      expect(payload.requestId).toMatch(/^[0-9A-F]{32}$/);
      expect(payload.requestIds).toEqual([payload.requestId]);
    } finally {
      await other.close();
    }
  });
});

describe('updateGroup: invalid input is BAD_USER_INPUT before any upstream call', () => {
  it.each([
    ['an empty subject', { subject: '' }, 'Invalid update: subject must not be empty or only whitespace: give 1 to 128 characters'],
    ['a whitespace-only subject', { subject: ' \t ' }, 'Invalid update: subject must not be empty or only whitespace: give 1 to 128 characters'],
    ['a 129-character subject', { subject: 's'.repeat(129) }, 'Invalid update: subject is 129 characters long after trimming: at most 128 are allowed'],
    ['a 2049-character description', { description: 'd'.repeat(2049) }, 'Invalid update: description is 2049 characters long: at most 2048 are allowed'],
    [
      'both at once',
      { subject: '', description: 'd'.repeat(3000) },
      'Invalid update: subject must not be empty or only whitespace: give 1 to 128 characters; description is 3000 characters long: at most 2048 are allowed',
    ],
    ['nothing to change', {}, 'Nothing to update: give at least one of subject, description or profilePicture'],
    ['nothing but nulls', { subject: null, description: null, profilePicture: null }, 'Nothing to update: give at least one of subject, description or profilePicture'],
  ])('%s', async (_label, fields, message) => {
    const id = seed();
    gw.takeUpstreamRequests();
    const { status, body } = await gw.query(UpdateGroup, { input: { id, ...fields } }, auth);
    expect(status).toBe(200);
    expect(body).toEqual({
      data: null,
      errors: [{ message, locations: [{ line: 3, column: 5 }], path: ['updateGroup'], extensions: { code: 'BAD_USER_INPUT' } }],
    });
    expect(upstream()).toEqual([]);
    expect(gw.sandbox.groups.get(id)?.subject).toBe('Before');
  });

  it('a bad group id', async () => {
    const { body } = await gw.query(UpdateGroupNoRead, { input: { id: '../me', subject: 'x' } }, auth);
    expect(body.errors?.[0]).toMatchObject({ path: ['updateGroup'], extensions: { code: 'BAD_USER_INPUT' } });
    expect(upstream()).toEqual([]);
  });

  it('a string where the Upload goes (uploads only come as multipart files)', async () => {
    const id = seed();
    gw.takeUpstreamRequests();
    const { status, body } = await gw.query(UpdateGroupNoRead, { input: { id, profilePicture: 'data:image/jpeg;base64,/9j/' } }, auth);
    // A variable that cannot be coerced is a request error: no execution, HTTP 400.
    expect(status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT' });
    expect(body.errors?.[0]?.message).toMatch(/^Variable "\$input" got invalid value .*Upload value invalid/);
    expect(upstream()).toEqual([]);
  });
});

describe('updateGroup: upstream refusals', () => {
  it('an unknown group is NOT_FOUND and nothing is reported as updated', async () => {
    gw.takeUpstreamRequests();
    const { body } = await gw.query(UpdateGroup, { input: { id: 'Y2FwaV9ncm91cDpub3N1Y2g', subject: 'x' } }, auth);
    expect(body.data).toBeNull();
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]).toMatchObject({ path: ['updateGroup'], extensions: { code: 'NOT_FOUND', graphApi: { code: 131041 } } });
    expect(upstream()).toEqual([{ method: 'POST', kind: 'update', ids: ['Y2FwaV9ncm91cDpub3N1Y2g'], fields: null }]);
  });

  it('without a token: UNAUTHENTICATED, nothing goes upstream', async () => {
    const id = seed();
    gw.takeUpstreamRequests();
    const { body } = await gw.query(UpdateGroupNoRead, { input: { id, subject: 'x' } }, { authorization: undefined });
    expect(body.errors?.[0]).toMatchObject({ path: ['updateGroup'], extensions: { code: 'UNAUTHENTICATED' } });
    expect(upstream()).toEqual([]);
  });
});
