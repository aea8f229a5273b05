import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphiqlForSandbox, walkthroughSteps } from '../../src/sandbox-graphiql.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());

/** Runs one GraphiQL tab as its ▶ does: the tab's document (one operation), variables and headers. */
async function run(name: string, { variables = true, set = {} as Record<string, unknown> } = {}): Promise<{ data?: Record<string, any>; errors?: unknown[] }> {
  const steps = walkthroughSteps(gw.sandbox);
  const tab = graphiqlForSandbox(gw.sandbox).defaultTabs[steps.findIndex((step) => step.name === name)]!;
  const response = await fetch(gw.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(JSON.parse(tab.headers!) as Record<string, string>) },
    body: JSON.stringify({ query: tab.query, ...(variables ? { variables: { ...(JSON.parse(tab.variables!) as object), ...set } } : {}) }),
  });
  return (await response.json()) as never;
}

describe("GraphiQL's tabs walk a group's lifecycle with the demo token", () => {
  it('opens one tab per step, each holding exactly one operation named as the tab, with the demo token', () => {
    const { defaultTabs } = graphiqlForSandbox(gw.sandbox);
    const names = defaultTabs.map((tab) => {
      const operations = parse(tab.query).definitions.filter((d) => d.kind === 'OperationDefinition');
      expect(operations).toHaveLength(1);
      expect(JSON.parse(tab.headers!)).toEqual({ Authorization: `Bearer ${gw.sandbox.demoToken}` });
      return operations[0]!.name?.value;
    });
    expect(names).toEqual(walkthroughSteps(gw.sandbox).map((step) => step.name));
    expect(names).toEqual(expect.arrayContaining(['DemoGroups', 'ListGroups', 'GroupEvents', 'CreateGroup', 'InviteLink']));
  });

  it('runs each query tab with its variables editor empty, as GraphiQL 5 opens its first tab', async () => {
    for (const name of ['DemoGroups', 'ListGroups', 'InviteLink', 'JoinRequests']) {
      const result = await run(name, { variables: false });
      expect(result.errors, name).toBeUndefined();
      expect(Object.values(result.data!)[0], name).toEqual(expect.any(Object));
    }
  });

  it('pins the demo message with one click, its variables editor empty or not: one send upstream, and the group shows it pinned', async () => {
    const [hikers] = gw.sandbox.demoGroupIds as [string];
    const messageId = gw.sandbox.demoMessageId!;
    for (const variables of [false, true]) {
      gw.sandbox.clearRequests();
      const pinned = await run('PinMessage', { variables });
      expect(pinned).toEqual({ data: { pinGroupMessage: { messageId, groupId: hikers } } });
      expect(gw.sandbox.requests.map((r) => `${r.method} ${r.kind}`)).toEqual(['POST messages']);
    }
    expect(gw.sandbox.groups.get(hikers)!.pinned.map((p) => p.messageId)).toEqual([messageId]);
  });

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
    expect(demo.data!.first.subject).toEqual(expect.any(String));
  });
});
