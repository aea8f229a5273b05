import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

const SELECTIONS = ['subject', 'description', 'participants { waId }', 'totalParticipantCount', 'joinApprovalMode'];
const GRAPH_NAMES = ['subject', 'description', 'participants', 'total_participant_count', 'join_approval_mode'];

/** `{ g0: group(id: "…") { id subject } g1: … }` with the selections taking turns. */
function aliasedLookups(ids: readonly string[]): string {
  return `{ ${ids.map((id, i) => `g${i}: group(id: "${id}") { id ${SELECTIONS[i % SELECTIONS.length]} }`).join('\n')} }`;
}

function seedGroups(gw: TestGateway, count: number): string[] {
  return Array.from({ length: count }, () => gw.sandbox.groups.seedGroup({ participants: 2 }).id);
}

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

async function start(env: Record<string, string> = {}, sandbox = {}) {
  gw = await startGateway({ env, sandbox });
  gw.sandbox.tokens.addToken('batching-token', { groups: '*' });
  return gw;
}

const asTenant = { authorization: 'Bearer batching-token' };

describe('batching (default: the Graph batch request)', () => {
  it('ten aliased lookups with differing selections cost one upstream request with the union of the fields', async () => {
    const g = await start();
    const ids = seedGroups(g, 10);
    g.takeUpstreamRequests();
    const { body } = await g.query(aliasedLookups(ids), undefined, asTenant);
    expect(body.errors).toBeUndefined();
    expect(Object.keys(body.data ?? {})).toHaveLength(10);
    const upstream = g.takeUpstreamRequests();
    expect(upstream).toHaveLength(1);
    expect(upstream[0]).toMatchObject({ method: 'POST', kind: 'batch', ids });
    expect(new Set(upstream[0]?.fields)).toEqual(new Set(['id', ...GRAPH_NAMES]));
  });

  it('120 aliased lookups cost three upstream requests of 50, 50 and 20 ids', async () => {
    const g = await start();
    const ids = seedGroups(g, 120);
    g.takeUpstreamRequests();
    const { body } = await g.query(aliasedLookups(ids), undefined, asTenant);
    expect(body.errors).toBeUndefined();
    expect(Object.values(body.data ?? {}).every((group) => group !== null)).toBe(true);
    const upstream = g.takeUpstreamRequests();
    expect(upstream.map((r) => r.ids.length).sort((a, b) => b - a)).toEqual([50, 50, 20]);
    expect(new Set(upstream.flatMap((r) => r.ids))).toEqual(new Set(ids));
  });

  it('the same id looked up twice with different selections is asked for once, with both selections', async () => {
    const g = await start();
    const [id] = seedGroups(g, 1);
    g.takeUpstreamRequests();
    const { body } = await g.query(`{ a: group(id: "${id}") { subject } b: group(id: "${id}") { description } }`, undefined, asTenant);
    expect(body.errors).toBeUndefined();
    expect(g.takeUpstreamRequests().map((r) => ({ ids: r.ids, fields: r.fields }))).toEqual([
      { ids: [id], fields: ['description', 'id', 'subject'] },
    ]);
  });

  it('loaders are per request: the same lookup in two operations goes upstream twice', async () => {
    const g = await start();
    const [id] = seedGroups(g, 1);
    g.takeUpstreamRequests();
    await g.query(`{ group(id: "${id}") { subject } }`, undefined, asTenant);
    await g.query(`{ group(id: "${id}") { subject } }`, undefined, asTenant);
    expect(g.takeUpstreamRequests()).toHaveLength(2);
  });

  it('one unknown id never fails the others: its path is null with NOT_FOUND', async () => {
    const g = await start();
    const [first, second] = seedGroups(g, 2);
    g.takeUpstreamRequests();
    const { body } = await g.query(
      `{ a: group(id: "${first}") { id } b: group(id: "Y2FwaV9ncm91cDpub3RoZXJl") { id } c: group(id: "${second}") { id } }`,
      undefined,
      asTenant,
    );
    expect(body.data).toEqual({ a: { id: first }, b: null, c: { id: second } });
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]).toMatchObject({ path: ['b'], extensions: { code: 'NOT_FOUND', graphApi: { code: 131041 } } });
    expect(g.takeUpstreamRequests()).toHaveLength(1);
  });
});

describe('other batching mechanisms (GRAPH_BATCH_MODE)', () => {
  it('ids: ten lookups are one multi-id read', async () => {
    const g = await start({ GRAPH_BATCH_MODE: 'ids' });
    const ids = seedGroups(g, 10);
    g.takeUpstreamRequests();
    const { body } = await g.query(aliasedLookups(ids), undefined, asTenant);
    expect(body.errors).toBeUndefined();
    const upstream = g.takeUpstreamRequests();
    expect(upstream.map((r) => ({ method: r.method, kind: r.kind, ids: r.ids }))).toEqual([{ method: 'GET', kind: 'ids', ids }]);
  });

  it('ids: an unknown id fails the multi-id read (#803), so the ids are read one by one and only it fails', async () => {
    const g = await start({ GRAPH_BATCH_MODE: 'ids' });
    const [first, second] = seedGroups(g, 2);
    g.takeUpstreamRequests();
    const { body } = await g.query(
      `{ a: group(id: "${first}") { id } b: group(id: "unknown-group") { id } c: group(id: "${second}") { id } }`,
      undefined,
      asTenant,
    );
    expect(body.data).toEqual({ a: { id: first }, b: null, c: { id: second } });
    expect(body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['b'], 'NOT_FOUND']]);
    expect(g.takeUpstreamRequests().map((r) => r.kind)).toEqual(['ids', 'read', 'read', 'read']);
  });

  it('single: one request per id', async () => {
    const g = await start({ GRAPH_BATCH_MODE: 'single' });
    const ids = seedGroups(g, 5);
    g.takeUpstreamRequests();
    const { body } = await g.query(aliasedLookups(ids), undefined, asTenant);
    expect(body.errors).toBeUndefined();
    const upstream = g.takeUpstreamRequests();
    expect(upstream.map((r) => r.kind)).toEqual(Array(5).fill('read'));
    expect(upstream.flatMap((r) => r.ids).sort()).toEqual([...ids].sort());
  });

  it('falls back on its own when the upstream refuses batch requests, and remembers it', async () => {
    const g = await start({}, { mechanisms: { batch: false } });
    const ids = seedGroups(g, 4);
    g.takeUpstreamRequests();
    const first = await g.query(aliasedLookups(ids), undefined, asTenant);
    expect(first.body.errors).toBeUndefined();
    expect(g.takeUpstreamRequests().map((r) => [r.kind, r.status])).toEqual([['batch', 400], ['ids', 200]]);
    const second = await g.query(aliasedLookups(ids), undefined, asTenant);
    expect(second.body.errors).toBeUndefined();
    expect(g.takeUpstreamRequests().map((r) => r.kind)).toEqual(['ids']);
  });

  it('falls back to one request per id when the upstream refuses both batch and multi-id reads', async () => {
    const g = await start({}, { mechanisms: { batch: false, ids: false } });
    const ids = seedGroups(g, 3);
    g.takeUpstreamRequests();
    const { body } = await g.query(aliasedLookups(ids), undefined, asTenant);
    expect(body.errors).toBeUndefined();
    expect(g.takeUpstreamRequests().map((r) => r.kind)).toEqual(['batch', 'ids', 'read', 'read', 'read']);
  });
});
