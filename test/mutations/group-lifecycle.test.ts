import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../gql/index.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { seedTenant } from '../sandbox/tenants.js';

const CreateGroup = graphql(`
  mutation CreateGroup($input: CreateGroupInput!) { createGroup(input: $input) { requestId phoneNumberId group { id subject } } }
`);
const ResetInviteLink = graphql(`
  mutation ResetInviteLink($input: ResetGroupInviteLinkInput!) { resetGroupInviteLink(input: $input) { inviteLink } }
`);
const RemoveParticipants = graphql(`
  mutation RemoveParticipants($input: RemoveGroupParticipantsInput!) {
    removeGroupParticipants(input: $input) {
      success requestId removedParticipants failedParticipants { participant code message } group { participants { waId } }
    }
  }
`);
const ApproveJoinRequests = graphql(`
  mutation ApproveJoinRequests($input: GroupJoinRequestsInput!) {
    approveGroupJoinRequests(input: $input) {
      approvedJoinRequestIds failedJoinRequests { joinRequestId code message }
      group { participants { waId } joinRequests { nodes { id } } }
    }
  }
`);
const RejectJoinRequests = graphql(`
  mutation RejectJoinRequests($input: GroupJoinRequestsInput!) {
    rejectGroupJoinRequests(input: $input) { rejectedJoinRequestIds failedJoinRequests { joinRequestId code message } }
  }
`);
const ListSubjects = graphql(`
  query ListSubjects($phoneNumberId: ID!) { groups(phoneNumberId: $phoneNumberId, first: 50) { nodes { id subject } } }
`);

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());

/** Waits, generously, for what an asynchronous upstream effect makes true. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('createGroup', () => {
  it('creates the group upstream, trimmed, and answers the request id; the group is listed a moment later', async () => {
    const tenant = seedTenant(gw.sandbox);
    const as = { authorization: `Bearer ${tenant.token}` };
    gw.takeUpstreamRequests();
    const { body } = await gw.query(CreateGroup, { input: { phoneNumberId: tenant.phoneNumberId, subject: '  Trail crew  ', description: 'Sundays', joinApprovalMode: 'APPROVAL_REQUIRED' } }, as);
    expect(body.errors).toBeUndefined();
    expect(body.data!.createGroup).toMatchObject({ phoneNumberId: tenant.phoneNumberId, group: null });
    expect(body.data!.createGroup.requestId).toMatch(/\S/);
    expect(gw.takeUpstreamRequests().map((r) => [r.method, r.kind, r.ids])).toEqual([['POST', 'groups', [tenant.phoneNumberId]]]);
    const listed = await eventually(
      () => gw.query(ListSubjects, { phoneNumberId: tenant.phoneNumberId }, as),
      (r) => (r.body.data?.groups.nodes.length ?? 0) > 0,
    );
    expect(listed.body.data!.groups.nodes.map((n) => n.subject)).toEqual(['Trail crew']);
    const created = gw.sandbox.groups.get(listed.body.data!.groups.nodes[0]!.id)!;
    expect(created).toMatchObject({ description: 'Sundays', joinApprovalMode: 'approval_required' });
  });

  it('when the Graph API answers with the group id, `group` resolves (its fields read when selected)', async () => {
    const other = await startGateway({ sandbox: { createResponse: 'id' } });
    try {
      const tenant = seedTenant(other.sandbox);
      const { body } = await other.query(CreateGroup, { input: { phoneNumberId: tenant.phoneNumberId, subject: 'At once' } }, { authorization: `Bearer ${tenant.token}` });
      expect(body.errors).toBeUndefined();
      expect(body.data!.createGroup.group).toMatchObject({ subject: 'At once' });
      expect(other.sandbox.groups.get(body.data!.createGroup.group!.id)?.subject).toBe('At once');
    } finally {
      await other.close();
    }
  });

  const invalid: [string, Record<string, unknown>, RegExp][] = [
    ['an empty subject', { subject: '   ' }, /subject must not be empty/],
    ['a 129-character subject', { subject: 'x'.repeat(129) }, /129 characters long after trimming: at most 128/],
    ['a 2049-character description', { subject: 'ok', description: 'd'.repeat(2049) }, /description is 2049 characters long/],
    ['a phone number id that is not digits', { subject: 'ok', phoneNumberId: '+1555' }, /phone number id/],
  ];
  for (const [name, input, message] of invalid) {
    it(`refuses ${name} before any upstream call`, async () => {
      gw.takeUpstreamRequests();
      const { body } = await gw.query(CreateGroup, { input: { phoneNumberId: '106540352242922', subject: 'x', ...input } as never });
      expect(body.errors?.[0]).toMatchObject({ path: ['createGroup'], extensions: { code: 'BAD_USER_INPUT' } });
      expect(body.errors?.[0]?.message).toMatch(message);
      expect(gw.takeUpstreamRequests()).toEqual([]);
    });
  }

  it('a number whose group creation is frozen (131214) or not eligible (131215) is FORBIDDEN', async () => {
    for (const [groupCreation, code] of [['frozen', 131214], ['ineligible', 131215]] as const) {
      const phoneNumberId = `77${code}`;
      gw.sandbox.groups.addPhoneNumber({ id: phoneNumberId, groupCreation });
      const { body } = await gw.query(CreateGroup, { input: { phoneNumberId, subject: 'No' } });
      expect(body.errors?.[0]).toMatchObject({ path: ['createGroup'], extensions: { code: 'FORBIDDEN', graphApi: { code } } });
    }
  });

  it('is never retried: a 5xx answer means one request upstream', async () => {
    const tenant = seedTenant(gw.sandbox);
    gw.sandbox.faults.inject({ kind: 'status', status: 503, match: { method: 'POST', kind: 'groups' } });
    gw.takeUpstreamRequests();
    const { body } = await gw.query(CreateGroup, { input: { phoneNumberId: tenant.phoneNumberId, subject: 'Once' } }, { authorization: `Bearer ${tenant.token}` });
    expect(body.errors?.[0]).toMatchObject({ extensions: { code: 'UPSTREAM_ERROR' } });
    expect(gw.takeUpstreamRequests().map((r) => r.kind)).toEqual(['groups']);
  });
});

describe('resetGroupInviteLink', () => {
  it('answers a new link; the old one is gone; the group read afterwards in the same operation shows each reset\'s own link', async () => {
    const { id } = gw.sandbox.groups.seedGroup();
    const old = `https://chat.whatsapp.com/${gw.sandbox.groups.get(id)!.inviteCode}`;
    gw.takeUpstreamRequests();
    const { body } = await gw.query(`mutation {
      r1: resetGroupInviteLink(input: { id: "${id}" }) { inviteLink group { inviteLink } }
      r2: resetGroupInviteLink(input: { id: "${id}" }) { inviteLink group { inviteLink } }
    }`);
    expect(body.errors).toBeUndefined();
    const { r1, r2 } = body.data as Record<'r1' | 'r2', { inviteLink: string; group: { inviteLink: string } }>;
    expect(r1.inviteLink).not.toBe(old);
    expect(r2.inviteLink).not.toBe(r1.inviteLink);
    expect(r1.group.inviteLink).toBe(r1.inviteLink);
    expect(r2.group.inviteLink).toBe(r2.inviteLink);
    expect(`https://chat.whatsapp.com/${gw.sandbox.groups.get(id)!.inviteCode}`).toBe(r2.inviteLink);
    // Two resets and nothing else: the new links were not read back.
    expect(gw.takeUpstreamRequests().map((r) => [r.method, r.kind])).toEqual([['POST', 'invite_link'], ['POST', 'invite_link']]);
  });

  it('refuses a malformed id before any upstream call; an unknown group is NOT_FOUND', async () => {
    gw.takeUpstreamRequests();
    const bad = await gw.query(ResetInviteLink, { input: { id: 'a/b' } });
    expect(bad.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(gw.takeUpstreamRequests()).toEqual([]);
    const unknown = await gw.query(ResetInviteLink, { input: { id: 'Y2FwaV9ncm91cDpub3RoZXJl' } });
    expect(unknown.body.errors?.[0]).toMatchObject({ path: ['resetGroupInviteLink'], extensions: { code: 'NOT_FOUND', graphApi: { code: 131041 } } });
  });
});

describe('removeGroupParticipants', () => {
  it('removes them, and the group read afterwards no longer lists them', async () => {
    const group = gw.sandbox.groups.seedGroup({ participants: 4 });
    const [a, b, ...rest] = group.participants.map((p) => p.waId!);
    gw.takeUpstreamRequests();
    const { body } = await gw.query(RemoveParticipants, { input: { id: group.id, participants: [a!, `+${b}`] } });
    expect(body.errors).toBeUndefined();
    expect(body.data!.removeGroupParticipants).toMatchObject({
      success: true,
      removedParticipants: [a, `+${b}`],
      failedParticipants: [],
      group: { participants: rest.map((waId) => ({ waId })) },
    });
    expect(gw.takeUpstreamRequests().map((r) => [r.method, r.kind])).toEqual([['DELETE', 'participants'], ['GET', 'read']]);
  });

  it('a participant not in the group (131212) comes back in the payload, not as an error', async () => {
    const { id } = gw.sandbox.groups.seedGroup({ participants: 2 });
    const { body } = await gw.query(RemoveParticipants, { input: { id, participants: ['15550000001'] } });
    expect(body.errors).toBeUndefined();
    expect(body.data!.removeGroupParticipants).toMatchObject({
      success: false,
      removedParticipants: [],
      failedParticipants: [{ participant: '15550000001', code: 131212 }],
    });
  });

  it('a partial success (131201, HTTP 206) is success: false and names who was removed and why the others were not', async () => {
    const group = gw.sandbox.groups.seedGroup({ participants: 2 });
    const member = group.participants[0]!.waId!;
    const { body } = await gw.query(RemoveParticipants, { input: { id: group.id, participants: [member, '15550000002'] } });
    expect(body.errors).toBeUndefined();
    const payload = body.data!.removeGroupParticipants;
    expect(payload.success).toBe(false);
    // The 206 answer lists both beside its 131201 error: the member is gone, the stranger failed with its own code.
    expect(payload.removedParticipants).toEqual([member]);
    expect(payload.failedParticipants.map((f) => [f.participant, f.code])).toEqual([['15550000002', 131212]]);
    expect(payload.requestId).toMatch(/^[0-9A-F]{32}$/);
    // The group as it is now says who is left.
    expect(payload.group?.participants).toEqual([{ waId: group.participants[1]!.waId }]);
  });

  const invalid: [string, string[], RegExp][] = [
    ['no participant', [], /give 1 to 8 participants; got 0/],
    ['nine participants', Array.from({ length: 9 }, (_, i) => `1555000000${i}`), /got 9/],
    ['something that is not a phone number, wa_id or BSUID', ['bob@example.com'], /participants\[0\] is not a phone number/],
    ['the same person twice (phone number and wa_id)', ['+15551234567', '15551234567'], /repeats/],
  ];
  for (const [name, participants, message] of invalid) {
    it(`refuses ${name} before any upstream call`, async () => {
      const { id } = gw.sandbox.groups.seedGroup();
      gw.takeUpstreamRequests();
      const { body } = await gw.query(RemoveParticipants, { input: { id, participants } });
      expect(body.errors?.[0]).toMatchObject({ path: ['removeGroupParticipants'], extensions: { code: 'BAD_USER_INPUT' } });
      expect(body.errors?.[0]?.message).toMatch(message);
      expect(gw.takeUpstreamRequests()).toEqual([]);
    });
  }

  it('accepts a BSUID of any length', async () => {
    const { id } = gw.sandbox.groups.seedGroup();
    const { body } = await gw.query(RemoveParticipants, { input: { id, participants: [`US.${'7'.repeat(200)}`] } });
    expect(body.errors).toBeUndefined();
    expect(body.data!.removeGroupParticipants.failedParticipants[0]).toMatchObject({ code: 131212 });
  });

  it('is never retried: a reset connection means one request upstream', async () => {
    const group = gw.sandbox.groups.seedGroup({ participants: 2 });
    gw.sandbox.faults.inject({ kind: 'reset', match: { kind: 'participants' } });
    gw.takeUpstreamRequests();
    const { body } = await gw.query(RemoveParticipants, { input: { id: group.id, participants: [group.participants[0]!.waId!] } });
    expect(body.errors?.[0]).toMatchObject({ path: ['removeGroupParticipants'], extensions: { code: 'UPSTREAM_ERROR' } });
    expect(gw.takeUpstreamRequests().map((r) => r.kind)).toEqual(['participants']);
  });
});

describe('approveGroupJoinRequests and rejectGroupJoinRequests', () => {
  it('approved requesters become participants; a requester who has not accepted the terms fails with 131203', async () => {
    const group = gw.sandbox.groups.seedGroup({
      participants: 1,
      joinApprovalMode: 'approval_required',
      joinRequests: [{ waId: '16505550101' }, { waId: '16505550102' }, { waId: '16505550103', acceptedTerms: false }],
    });
    const [r1, r2, r3] = group.joinRequests.map((r) => r.id);
    const { body } = await gw.query(ApproveJoinRequests, { input: { id: group.id, joinRequestIds: [r1!, r3!] } });
    expect(body.errors).toBeUndefined();
    const payload = body.data!.approveGroupJoinRequests;
    expect(payload.approvedJoinRequestIds).toEqual([r1]);
    expect(payload.failedJoinRequests).toMatchObject([{ joinRequestId: r3, code: 131203 }]);
    expect(payload.group?.participants?.map((p) => p.waId)).toEqual([group.participants[0]!.waId, '16505550101']);
    expect(payload.group?.joinRequests.nodes.map((n) => n.id)).toEqual([r2, r3]);
  });

  it('rejected requests disappear; an unknown request id fails with 131213', async () => {
    const group = gw.sandbox.groups.seedGroup({ joinApprovalMode: 'approval_required', joinRequests: 2 });
    const [r1, r2] = group.joinRequests.map((r) => r.id);
    const { body } = await gw.query(RejectJoinRequests, { input: { id: group.id, joinRequestIds: [r1!, 'MTIzOjQ1Ng'] } });
    expect(body.errors).toBeUndefined();
    expect(body.data!.rejectGroupJoinRequests).toMatchObject({
      rejectedJoinRequestIds: [r1],
      failedJoinRequests: [{ joinRequestId: 'MTIzOjQ1Ng', code: 131213 }],
    });
    expect(gw.sandbox.groups.get(group.id)!.joinRequests.map((r) => r.id)).toEqual([r2]);
  });

  const invalid: [string, string[], RegExp][] = [
    ['no id', [], /give 1 to 50 join request ids; got 0/],
    ['51 ids', Array.from({ length: 51 }, (_, i) => `r${i}`), /got 51/],
    ['the same id twice', ['abc', 'abc'], /repeats abc/],
    ['an id with path characters', ['../x'], /not a Graph id/],
  ];
  for (const [name, joinRequestIds, message] of invalid) {
    it(`refuses ${name} before any upstream call, for approve and reject alike`, async () => {
      const { id } = gw.sandbox.groups.seedGroup();
      gw.takeUpstreamRequests();
      for (const document of [ApproveJoinRequests, RejectJoinRequests] as const) {
        const { body } = await gw.query(document as typeof ApproveJoinRequests, { input: { id, joinRequestIds } });
        expect(body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
        expect(body.errors?.[0]?.message).toMatch(message);
      }
      expect(gw.takeUpstreamRequests()).toEqual([]);
    });
  }
});

describe('without a token', () => {
  it('every lifecycle mutation is UNAUTHENTICATED and nothing goes upstream', async () => {
    const { id } = gw.sandbox.groups.seedGroup();
    gw.takeUpstreamRequests();
    const mutations = [
      'createGroup(input: { phoneNumberId: "106540352242922", subject: "x" }) { requestId }',
      `resetGroupInviteLink(input: { id: "${id}" }) { inviteLink }`,
      `removeGroupParticipants(input: { id: "${id}", participants: ["15551234567"] }) { success }`,
      `approveGroupJoinRequests(input: { id: "${id}", joinRequestIds: ["abc"] }) { approvedJoinRequestIds }`,
      `rejectGroupJoinRequests(input: { id: "${id}", joinRequestIds: ["abc"] }) { rejectedJoinRequestIds }`,
    ];
    for (const mutation of mutations) {
      const { body } = await gw.query(`mutation { ${mutation} }`, undefined, { authorization: undefined });
      expect(body.errors?.map((e) => [e.path?.[0], e.extensions?.code])).toEqual([[mutation.slice(0, mutation.indexOf('(')), 'UNAUTHENTICATED']]);
    }
    expect(gw.takeUpstreamRequests()).toEqual([]);
  });
});
