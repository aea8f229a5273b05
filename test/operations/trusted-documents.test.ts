import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { execute } from '../../examples/client/client.js';
import { GroupMembers, GroupSummary, RenameGroup } from '../../examples/client/operations.js';
import { startGateway, TEST_TOKEN, type TestGateway } from '../helpers/gateway.js';

/** The example client's trusted documents, as `npm run codegen` wrote them. */
const MANIFEST_PATH = fileURLToPath(new URL('../../examples/client/gql/persisted-documents.json', import.meta.url));
const manifest = JSON.parse(readFileSync(MANIFEST_PATH, 'utf8')) as Record<string, string>;

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

async function start(env: Record<string, string> = {}) {
  gw = await startGateway({ env: { PERSISTED_DOCUMENTS: MANIFEST_PATH, ...env } });
  return gw;
}

async function post(g: TestGateway, body: unknown) {
  const response = await fetch(g.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_TOKEN}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] } };
}

describe('trusted documents (PERSISTED_DOCUMENTS)', () => {
  it('runs the example client operations by documentId, and each reaches the Graph API as usual', async () => {
    const g = await start();
    const group = g.sandbox.groups.seedGroup({ subject: 'Trusted', participants: 2 });
    g.takeUpstreamRequests();

    const summary = await execute(g.url, TEST_TOKEN, GroupSummary, { id: group.id });
    expect(summary).toEqual({ data: { group: { id: group.id, subject: 'Trusted', totalParticipantCount: 2 } } });
    const members = await execute(g.url, TEST_TOKEN, GroupMembers, { id: group.id });
    expect(members.errors).toBeUndefined();
    const renamed = await execute(g.url, TEST_TOKEN, RenameGroup, { id: group.id, subject: 'Renamed' });
    expect(renamed).toEqual({ data: { updateGroup: { success: true, updatedFields: ['SUBJECT'] } } });
    expect(g.takeUpstreamRequests().map((r) => [r.kind, r.fields])).toEqual([
      ['read', ['id', 'subject', 'total_participant_count']],
      ['read', ['id', 'participants']],
      ['update', null],
    ]);
  });

  it("accepts Apollo's extensions.persistedQuery.sha256Hash (the bare sha256 of the document)", async () => {
    const g = await start();
    const group = g.sandbox.groups.seedGroup({ subject: 'Apollo', participants: 1 });
    const text = Object.values(manifest).find((document) => document.startsWith('query GroupSummary'))!;
    const sha256Hash = createHash('sha256').update(text).digest('hex');
    const { body } = await post(g, { variables: { id: group.id }, extensions: { persistedQuery: { version: 1, sha256Hash } } });
    expect(body).toEqual({ data: { group: { id: group.id, subject: 'Apollo', totalParticipantCount: 1 } } });
  });

  it('refuses an unknown id with PERSISTED_QUERY_NOT_FOUND and a query text with PERSISTED_QUERY_ONLY, before any upstream call', async () => {
    const g = await start();
    const group = g.sandbox.groups.seedGroup();
    g.takeUpstreamRequests();

    const unknown = await post(g, { documentId: `sha256:${'0'.repeat(64)}`, variables: { id: group.id } });
    expect(unknown).toEqual({
      status: 400,
      body: { errors: [{ message: 'Unknown document id: this gateway runs only the documents it was deployed with', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] },
    });
    // The query text is the very text of a trusted document: still refused, it is not an id.
    const raw = await post(g, { query: Object.values(manifest)[0], variables: { id: group.id } });
    expect(raw).toEqual({
      status: 400,
      body: { errors: [{ message: 'This gateway runs only trusted documents: send `documentId` instead of `query`', extensions: { code: 'PERSISTED_QUERY_ONLY' } }] },
    });
    const neither = await post(g, { variables: { id: group.id } });
    expect(neither.body.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    // An id that is an Object.prototype key finds nothing either.
    const proto = await post(g, { documentId: '__proto__' });
    expect(proto.body.errors?.map((e) => e.extensions?.code)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect(g.takeUpstreamRequests()).toEqual([]);
  });

  it('parses nothing but the id: a refused query text never reaches the parser', async () => {
    const g = await start({ MAX_IDS_PER_OPERATION: '1' });
    // Unparseable, and far over the token limit (yet under MAX_QUERY_BYTES): refusing it must not
    // parse it (no syntax error).
    const { body } = await post(g, { query: `{ ${'a '.repeat(30_000)}` });
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['PERSISTED_QUERY_ONLY']);
    // Over MAX_QUERY_BYTES, the size check (which runs first) refuses it, unparsed too.
    const huge = await post(g, { query: `{ ${'a '.repeat(200_000)}` });
    expect(huge.body.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(huge.body.errors?.[0]?.message).toMatch(/MAX_QUERY_BYTES/);
  });

  it('with ALLOW_ARBITRARY_OPERATIONS=true, query texts run beside the trusted documents', async () => {
    const g = await start({ ALLOW_ARBITRARY_OPERATIONS: 'true' });
    const group = g.sandbox.groups.seedGroup({ subject: 'Both' });
    expect((await g.query(`{ group(id: "${group.id}") { subject } }`)).body).toEqual({ data: { group: { subject: 'Both' } } });
    expect((await execute(g.url, TEST_TOKEN, GroupSummary, { id: group.id })).data?.group?.subject).toBe('Both');
  });

  it('refuses to start with a file that is not a trusted documents file', async () => {
    await expect(startGateway({ env: { PERSISTED_DOCUMENTS: fileURLToPath(new URL('../../package.json', import.meta.url)) } })).rejects.toThrow(
      /PERSISTED_DOCUMENTS: .*package\.json must map ids to document strings/,
    );
  });
});
