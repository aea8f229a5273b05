import type { GraphiQLDefaults } from './gateway.js';
import type { Sandbox } from './sandbox/index.js';

/**
 * What GraphiQL shows on `npm start` with the sandbox: the demo token in the headers and one named
 * operation per step of a group's lifecycle, run one at a time (▶ runs the operation under the
 * cursor). The ids are the demo data's, which is the same on every start.
 */
export function graphiqlForSandbox(sandbox: Sandbox): GraphiQLDefaults {
  const [first = 'GROUP_ID', second = first] = sandbox.demoGroupIds;
  const phoneNumberId = sandbox.demoPhoneNumberId ?? 'PHONE_NUMBER_ID';
  // The demo group that asks approval and has people waiting (the featured "Book club").
  const waiting = sandbox.demoGroupIds.map((id) => sandbox.groups.get(id)).find((g) => g && g.joinRequests.some((r) => r.acceptedTerms));
  const askingToJoin = waiting?.joinRequests.find((r) => r.acceptedTerms)?.id ?? 'JOIN_REQUEST_ID';
  const member = sandbox.groups.get(first)?.participants[0]?.waId ?? 'WA_ID';
  return {
    defaultQuery: `# Sandbox: demo data served by the built-in Graph API emulator; the Authorization
# header (see "Headers" below) holds its demo token. Put the cursor in an operation and press ▶.

query DemoGroups {
  first: group(id: "${first}") {
    id
    subject
    description
    joinApprovalMode
    createdAt
    participants { waId username }
    totalParticipantCount
  }
  second: group(id: "${second}") { id subject }
}

# 1. The demo phone number's groups, 7 at a time: pass pageInfo.endCursor as \`after\` for the next page.
query ListGroups {
  groups(phoneNumberId: "${phoneNumberId}", first: 7) {
    nodes { id subject createdAt }
    pageInfo { hasNextPage endCursor }
  }
}

# 2. Create a group. Creation is asynchronous: it appears in ListGroups a moment later.
mutation CreateGroup {
  createGroup(input: { phoneNumberId: "${phoneNumberId}", subject: "Lunch run", joinApprovalMode: APPROVAL_REQUIRED }) {
    requestId
  }
}

# 3. A group's invite link, then a new one (the old link stops working).
query InviteLink {
  group(id: "${first}") { subject inviteLink }
}

mutation ResetInviteLink {
  resetGroupInviteLink(input: { id: "${first}" }) { inviteLink }
}

# 4. People waiting to join a group that asks approval, and approving one of them.
query JoinRequests {
  group(id: "${waiting?.id ?? second}") {
    subject
    joinRequests { nodes { id waId createdAt } }
  }
}

mutation ApproveJoinRequest {
  approveGroupJoinRequests(input: { id: "${waiting?.id ?? second}", joinRequestIds: ["${askingToJoin}"] }) {
    approvedJoinRequestIds
    failedJoinRequests { joinRequestId code message }
    group { participants { waId } }
  }
}

# 5. Remove a participant.
mutation RemoveParticipant {
  removeGroupParticipants(input: { id: "${first}", participants: ["${member}"] }) {
    success
    removedParticipants
    failedParticipants { participant code message }
  }
}

# 6. Talk in a group. First run WatchMessages (it stays open, in this tab or a second one), then
#    SendMessage: its statuses arrive live, SENT for the group, then DELIVERED and READ per member.
subscription WatchMessages {
  groupEvents(groupId: "${first}") {
    __typename
    eventId
    ... on GroupMessageStatusChanged { messageId status participant { waId userId name } }
    ... on GroupMessageReceived { messageId from { waId name } type text }
  }
}

mutation SendMessage {
  sendGroupMessage(input: { phoneNumberId: "${phoneNumberId}", groupId: "${first}", text: { body: "Hello from GraphiQL 👋" } }) {
    messageId
    groupId
  }
}

# 7. Pin a message for 7 days: put SendMessage's messageId in Variables as {"messageId": "wamid.…"}.
#    At most 3 stay pinned; a fourth pin unpins the oldest.
mutation PinMessage($messageId: ID!) {
  pinGroupMessage(input: { phoneNumberId: "${phoneNumberId}", groupId: "${first}", messageId: $messageId, expirationDays: 7 }) {
    messageId
    groupId
  }
}

# 8. Invite people: one template message each, whose body parameter Meta turns into the group's
#    invite link. The second number is the sandbox's undeliverable one: it shows a failed entry.
mutation InviteByLink {
  sendGroupInviteLink(input: {
    phoneNumberId: "${phoneNumberId}"
    groupId: "${first}"
    to: ["+16505551234", "+15550000026"]
    template: { name: "group_invite", languageCode: "en" }
  }) {
    sent { to messageId }
    failed { to code message }
  }
}
`,
    // GraphiQL runs subscriptions (WatchMessages) over SSE as GET requests: without a CSRF header they are refused.
    defaultHeaders: JSON.stringify({ Authorization: `Bearer ${sandbox.demoToken}`, 'x-graphql-yoga-csrf': '1' }, null, 2),
  };
}
