/**
 * The group cache in one process (GROUP_CACHE_TTL_MS without REDIS_URL): what is served from it,
 * what still goes upstream (exact lists from the sandbox's request log), what writes drop, and the
 * Cache-Control of GraphQL responses. Two replicas on one Redis: test/events/group-cache-replicas.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

const OTHER_TOKEN = 'cache-other-token-sees-all';
const NARROW_TOKEN = 'cache-narrow-token-sees-one';
const asOther = { authorization: `Bearer ${OTHER_TOKEN}` };
const asNarrow = { authorization: `Bearer ${NARROW_TOKEN}` };

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

async function start(env: Record<string, string> = {}) {
  gw = await startGateway({ env: { GROUP_CACHE_TTL_MS: '300000', ...env } });
  gw.sandbox.tokens.addToken(OTHER_TOKEN, { groups: '*' });
  return gw;
}

function seed(g: TestGateway, count: number): string[] {
  return Array.from({ length: count }, (_, i) => g.sandbox.groups.seedGroup({ subject: `cached ${i}`, participants: 2, joinRequests: 2, joinApprovalMode: 'approval_required' }).id);
}

/** What went upstream, one line per request: method, kind and the ids and fields it asked for. */
function traffic(g: TestGateway): string[] {
  return g.takeUpstreamRequests().map((r) => `${r.method} ${r.kind} ${r.ids.join(',')}${r.fields ? ` fields=${[...r.fields].sort().join(',')}` : ''}`);
}

describe('group cache in one process', () => {
  it('a second read of the same group by the same token within the TTL makes no upstream call', async () => {
    const g = await start();
    const [id] = seed(g, 1);
    g.takeUpstreamRequests();
    const first = await g.query(`{ group(id: "${id}") { subject participants { waId } } }`);
    const second = await g.query(`{ group(id: "${id}") { subject participants { waId } } }`);
    expect(first.body.errors).toBeUndefined();
    expect(second.body).toEqual(first.body);
    expect(traffic(g)).toEqual([`GET read ${id} fields=id,participants,subject`]);
  });

  it('a read needing fields the record lacks asks only for those, and answers with both', async () => {
    const g = await start();
    const [id] = seed(g, 1);
    g.sandbox.groups.update(id!, { description: 'the description' });
    await g.query(`{ group(id: "${id}") { subject } }`);
    g.takeUpstreamRequests();
    const { body } = await g.query(`{ group(id: "${id}") { subject description totalParticipantCount } }`);
    expect(body).toEqual({ data: { group: { subject: 'cached 0', description: 'the description', totalParticipantCount: 2 } } });
    expect(traffic(g)).toEqual([`GET read ${id} fields=description,id,total_participant_count`]);
    // Now the record has all four: nothing goes upstream.
    await g.query(`{ group(id: "${id}") { description subject } }`);
    expect(traffic(g)).toEqual([]);
  });

  it('an operation reading 3 cached and 2 uncached groups sends one request for the 2', async () => {
    const g = await start();
    const ids = seed(g, 5);
    await g.query(`{ ${ids.slice(0, 3).map((id, i) => `g${i}: group(id: "${id}") { subject }`).join(' ')} }`);
    g.takeUpstreamRequests();
    const { body } = await g.query(`{ ${ids.map((id, i) => `g${i}: group(id: "${id}") { subject }`).join(' ')} }`);
    expect(Object.values(body.data as Record<string, { subject: string }>).map((group) => group.subject)).toEqual(['cached 0', 'cached 1', 'cached 2', 'cached 3', 'cached 4']);
    expect(traffic(g)).toEqual([`POST batch ${ids[3]},${ids[4]} fields=id,subject`]);
  });

  it("another token's read makes its own upstream call, and a token without access gets NOT_FOUND while the group is cached", async () => {
    const g = await start();
    const [visible, hidden] = seed(g, 2);
    g.sandbox.tokens.addToken(NARROW_TOKEN, { groups: [visible!] });
    await g.query(`{ group(id: "${hidden}") { subject } }`);
    g.takeUpstreamRequests();
    const other = await g.query(`{ group(id: "${hidden}") { subject } }`, undefined, asOther);
    expect(other.body.data).toEqual({ group: { subject: 'cached 1' } });
    expect(traffic(g)).toEqual([`GET read ${hidden} fields=id,subject`]);
    const narrow = await g.query(`{ group(id: "${hidden}") { subject } }`, undefined, asNarrow);
    expect(narrow.body.data).toEqual({ group: null });
    expect(narrow.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(traffic(g)).toEqual([`GET read ${hidden} fields=id,subject`]);
  });

  it('errors are never cached: a failed read is asked again, and its success then is kept', async () => {
    const g = await start();
    const [id] = seed(g, 1);
    g.takeUpstreamRequests();
    g.sandbox.faults.inject({ kind: 'status', status: 500, times: 3 });
    const failed = await g.query(`{ group(id: "${id}") { subject } }`);
    expect(failed.body.errors?.[0]?.extensions?.code).toBeDefined();
    g.takeUpstreamRequests();
    const ok = await g.query(`{ group(id: "${id}") { subject } }`);
    const again = await g.query(`{ group(id: "${id}") { subject } }`);
    expect([ok.body.data, again.body.data]).toEqual([{ group: { subject: 'cached 0' } }, { group: { subject: 'cached 0' } }]);
    expect(traffic(g)).toEqual([`GET read ${id} fields=id,subject`]);
  });

  it('caches the invite link and the first page of join requests, not later pages', async () => {
    const g = await start();
    const [id] = seed(g, 1);
    const query = `{ group(id: "${id}") { inviteLink joinRequests(first: 1) { edges { node { id } } pageInfo { endCursor } } } }`;
    const first = await g.query(query);
    expect(first.body.errors).toBeUndefined();
    g.takeUpstreamRequests();
    expect((await g.query(query)).body).toEqual(first.body);
    expect(traffic(g)).toEqual([]);
    const after = (first.body.data as { group: { joinRequests: { pageInfo: { endCursor: string } } } }).group.joinRequests.pageInfo.endCursor;
    const next = `{ group(id: "${id}") { joinRequests(first: 1, after: "${after}") { edges { node { id } } } } }`;
    await g.query(next);
    await g.query(next);
    expect(traffic(g)).toEqual([`GET join_requests ${id}`, `GET join_requests ${id}`]);
  });

  it('a write drops the group for every token before the mutation returns', async () => {
    const g = await start();
    const [id] = seed(g, 1);
    await g.query(`{ group(id: "${id}") { subject } }`);
    await g.query(`{ group(id: "${id}") { subject } }`, undefined, asOther);
    const update = await g.query(`mutation { updateGroup(input: { id: "${id}", subject: "renamed" }) { success } }`);
    expect(update.body.errors).toBeUndefined();
    g.takeUpstreamRequests();
    const mine = await g.query(`{ group(id: "${id}") { subject } }`);
    const theirs = await g.query(`{ group(id: "${id}") { subject } }`, undefined, asOther);
    expect([mine.body.data, theirs.body.data]).toEqual([{ group: { subject: 'renamed' } }, { group: { subject: 'renamed' } }]);
    expect(traffic(g)).toEqual([`GET read ${id} fields=id,subject`, `GET read ${id} fields=id,subject`]);
  });

  it('resetting the invite link serves the new link at once, and later reads ask upstream once', async () => {
    const g = await start();
    const [id] = seed(g, 1);
    const old = await g.query(`{ group(id: "${id}") { inviteLink } }`);
    const reset = await g.query(`mutation { resetGroupInviteLink(input: { id: "${id}" }) { inviteLink group { inviteLink } } }`);
    const { inviteLink, group } = (reset.body.data as { resetGroupInviteLink: { inviteLink: string; group: { inviteLink: string } } }).resetGroupInviteLink;
    expect(inviteLink).not.toBe((old.body.data as { group: { inviteLink: string } }).group.inviteLink);
    // The writer primed this request's reads: the payload's group shows the new link without a read.
    expect(group.inviteLink).toBe(inviteLink);
    expect(traffic(g).filter((line) => line.startsWith('GET'))).toEqual([`GET invite_link ${id}`]);
    const later = await g.query(`{ group(id: "${id}") { inviteLink } }`);
    expect(later.body.data).toEqual({ group: { inviteLink } });
    expect(traffic(g)).toEqual([`GET invite_link ${id}`]);
  });

  it('removing participants and answering join requests drop the participants, counts and join requests', async () => {
    const g = await start();
    const [id] = seed(g, 1);
    const query = `{ group(id: "${id}") { totalParticipantCount participants { waId } joinRequests { edges { node { id } } } } }`;
    const before = (await g.query(query)).body.data as { group: { participants: { waId: string }[]; joinRequests: { edges: { node: { id: string } }[] } } };
    const removed = await g.query(`mutation { removeGroupParticipants(input: { id: "${id}", participants: ["${before.group.participants[0]!.waId}"] }) { success } }`);
    expect(removed.body.errors).toBeUndefined();
    const approved = await g.query(`mutation { approveGroupJoinRequests(input: { id: "${id}", joinRequestIds: ["${before.group.joinRequests.edges[0]!.node.id}"] }) { approvedJoinRequestIds } }`);
    expect(approved.body.errors).toBeUndefined();
    g.takeUpstreamRequests();
    const after = (await g.query(query)).body.data as { group: { totalParticipantCount: number; joinRequests: { edges: unknown[] } } };
    // One removed, one approved in: the count is back to 2, and one join request is left.
    expect(after.group.totalParticipantCount).toBe(2);
    expect(after.group.joinRequests.edges).toHaveLength(1);
    // The node first, then its edge: both read afresh.
    expect(traffic(g)).toEqual([`GET read ${id} fields=id,participants,total_participant_count`, `GET join_requests ${id}`]);
  });

  it('a deleted group is read upstream again (NOT_FOUND), not served from the cache', async () => {
    const g = await start();
    const [id] = seed(g, 1);
    await g.query(`{ group(id: "${id}") { subject } }`);
    expect((await g.query(`mutation { deleteGroup(input: { id: "${id}" }) { success } }`)).body.errors).toBeUndefined();
    const { body } = await g.query(`{ group(id: "${id}") { subject } }`);
    expect(body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('keeps at most GROUP_CACHE_MAX_ENTRIES records, the least recently used going first', async () => {
    const g = await start({ GROUP_CACHE_MAX_ENTRIES: '2' });
    const ids = seed(g, 3);
    for (const id of ids) await g.query(`{ group(id: "${id}") { subject } }`);
    g.takeUpstreamRequests();
    await g.query(`{ group(id: "${ids[2]}") { subject } }`);
    await g.query(`{ group(id: "${ids[0]}") { subject } }`);
    expect(traffic(g)).toEqual([`GET read ${ids[0]} fields=id,subject`]);
  });

  it('off by default: every read goes upstream', async () => {
    gw = await startGateway();
    const [id] = seed(gw, 1);
    gw.takeUpstreamRequests();
    await gw.query(`{ group(id: "${id}") { subject } }`);
    await gw.query(`{ group(id: "${id}") { subject } }`);
    expect(traffic(gw)).toHaveLength(2);
  });
});

describe('Cache-Control of GraphQL responses', () => {
  async function cacheControl(g: TestGateway, query: string, token?: string): Promise<string | null> {
    const response = await fetch(g.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token ?? 'test-token-sees-all-groups'}` },
      body: JSON.stringify({ query }),
    });
    await response.text();
    return response.headers.get('cache-control');
  }

  it('says private, no-store on queries, mutations and errors by default', async () => {
    const g = await start();
    const [id] = seed(g, 1);
    expect(await cacheControl(g, `{ group(id: "${id}") { subject } }`)).toBe('private, no-store');
    expect(await cacheControl(g, `mutation { updateGroup(input: { id: "${id}", subject: "x" }) { success } }`)).toBe('private, no-store');
    expect(await cacheControl(g, `{ group(id: "nope") { subject } }`)).toBe('private, no-store');
  });

  it('with SUBGRAPH_CACHE_CONTROL=private-max-age, successful queries say private, max-age=<TTL seconds>; the rest no-store', async () => {
    const g = await start({ SUBGRAPH_CACHE_CONTROL: 'private-max-age', GROUP_CACHE_TTL_MS: '120000' });
    const [id] = seed(g, 1);
    expect(await cacheControl(g, `{ group(id: "${id}") { subject } }`)).toBe('private, max-age=120');
    expect(await cacheControl(g, `mutation { updateGroup(input: { id: "${id}", subject: "x" }) { success } }`)).toBe('private, no-store');
    expect(await cacheControl(g, `{ group(id: "${g.sandbox.groups.seedGroup().id}x") { subject } }`)).toBe('private, no-store');
  });
});
