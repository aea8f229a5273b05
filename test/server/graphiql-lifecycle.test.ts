import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphiqlForSandbox } from '../../src/sandbox-graphiql.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());

/** Runs one named operation of GraphiQL's default document with GraphiQL's default headers. */
async function run(operationName: string): Promise<{ data?: Record<string, any>; errors?: unknown[] }> {
  const defaults = graphiqlForSandbox(gw.sandbox);
  const response = await fetch(gw.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(JSON.parse(defaults.defaultHeaders!) as Record<string, string>) },
    body: JSON.stringify({ query: defaults.defaultQuery, operationName }),
  });
  return (await response.json()) as never;
}

describe("GraphiQL's default document walks a group's lifecycle with the demo token", () => {
  it('lists, creates, reads and resets an invite link, approves a join request and removes a participant', async () => {
    const listed = await run('ListGroups');
    expect(listed.errors).toBeUndefined();
    expect(listed.data!.groups.nodes).toHaveLength(7);
    expect(listed.data!.groups.pageInfo.hasNextPage).toBe(true);

    const created = await run('CreateGroup');
    expect(created.errors).toBeUndefined();
    expect(created.data!.createGroup.requestId).toMatch(/\S/);

    const link = await run('InviteLink');
    expect(link.errors).toBeUndefined();
    expect(link.data!.group.inviteLink).toMatch(/^https:\/\/chat\.whatsapp\.com\//);
    const reset = await run('ResetInviteLink');
    expect(reset.errors).toBeUndefined();
    expect(reset.data!.resetGroupInviteLink.inviteLink).not.toBe(link.data!.group.inviteLink);

    const waiting = await run('JoinRequests');
    expect(waiting.errors).toBeUndefined();
    expect(waiting.data!.group.joinRequests.nodes.length).toBeGreaterThan(0);
    const approved = await run('ApproveJoinRequest');
    expect(approved.errors).toBeUndefined();
    expect(approved.data!.approveGroupJoinRequests).toMatchObject({ approvedJoinRequestIds: [expect.any(String)], failedJoinRequests: [] });

    const removed = await run('RemoveParticipant');
    expect(removed.errors).toBeUndefined();
    expect(removed.data!.removeGroupParticipants).toMatchObject({ success: true, failedParticipants: [] });

    const demo = await run('DemoGroups');
    expect(demo.errors).toBeUndefined();
  });
});
