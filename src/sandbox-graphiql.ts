import type { GraphiQLDefaults } from './gateway.js';
import type { Sandbox } from './sandbox/index.js';

/** One step of the walkthrough: one GraphiQL tab holding one operation and its variables. */
export interface WalkthroughStep {
  /** The operation's name, which is also the tab's title in GraphiQL. */
  name: string;
  /** What the step shows, as `#` comment lines above the operation. */
  comment: string;
  /**
   * One operation named `name`: ▶ runs it at once (with several, GraphiQL first asks which). Each
   * variable has its demo value as default too: GraphiQL 5 fills the variables editor of the tab it
   * opens on from elsewhere than that tab (https://github.com/graphql/graphiql/issues/3392), so a
   * tab must also run with the variables editor empty, or holding another tab's variables.
   */
  operation: string;
  /** Shown in the tab's variables editor, to edit. */
  variables?: Record<string, unknown>;
}

/**
 * The walkthrough of a group's life against the sandbox's demo data, one step per tab. The ids are
 * the demo data's, which is the same on every start.
 */
export function walkthroughSteps(sandbox: Sandbox): WalkthroughStep[] {
  const [first = 'GROUP_ID', second = first] = sandbox.demoGroupIds;
  const phoneNumberId = sandbox.demoPhoneNumberId ?? 'PHONE_NUMBER_ID';
  // The demo group that asks approval and has people waiting (the featured "Book club").
  const waiting = sandbox.demoGroupIds.map((id) => sandbox.groups.get(id)).find((g) => g && g.joinRequests.some((r) => r.acceptedTerms));
  const waitingId = waiting?.id ?? second;
  const askingToJoin = waiting?.joinRequests.find((r) => r.acceptedTerms)?.id ?? 'JOIN_REQUEST_ID';
  const member = sandbox.groups.get(first)?.participants[0]?.waId ?? 'WA_ID';
  // The demo message the business posted (in the first demo group), so PinMessage has one to pin.
  const messageId = sandbox.demoMessageId ?? 'MESSAGE_ID';
  const messageGroup = (sandbox.demoMessageId && sandbox.messages.get(sandbox.demoMessageId)?.groupId) ?? first;
  return [
    {
      name: 'DemoGroups',
      comment: `Sandbox: demo data served by the built-in Graph API emulator; the Authorization header
(see "Headers" below) holds its demo token. Each tab is one step: press ▶ to run it.`,
      operation: `query DemoGroups($first: ID! = "${first}", $second: ID! = "${second}") {
  first: group(id: $first) {
    id
    subject
    description
    joinApprovalMode
    createdAt
    participants { waId username }
    totalParticipantCount
  }
  second: group(id: $second) { id subject }
}`,
      variables: { first, second },
    },
    {
      name: 'ListGroups',
      comment: `The demo phone number's groups, 7 at a time: pass pageInfo.endCursor as "after" for the next page.`,
      operation: `query ListGroups($phoneNumberId: ID! = "${phoneNumberId}", $after: String) {
  groups(phoneNumberId: $phoneNumberId, first: 7, after: $after) {
    nodes { id subject createdAt }
    pageInfo { hasNextPage endCursor }
  }
}`,
      variables: { phoneNumberId },
    },
    {
      name: 'GroupEvents',
      comment: `Group events as they happen. Press ▶ and leave this tab streaming (GraphiQL stops an operation
when its tab is left): open this page in a second window, run the CreateGroup tab there, and a
GroupCreated event arrives here.`,
      operation: `subscription GroupEvents($phoneNumberId: ID = "${phoneNumberId}") {
  groupEvents(phoneNumberId: $phoneNumberId) {
    eventId
    __typename
    groupId
    requestId
    ... on GroupCreated { subject inviteLink }
  }
}`,
      variables: { phoneNumberId },
    },
    {
      name: 'CreateGroup',
      comment: `Create a group. Creation is asynchronous: the GroupEvents tab shows GroupCreated with the same
requestId, and the group appears in ListGroups a moment later.`,
      operation: `mutation CreateGroup($phoneNumberId: ID! = "${phoneNumberId}", $subject: String! = "Lunch run") {
  createGroup(input: { phoneNumberId: $phoneNumberId, subject: $subject, joinApprovalMode: APPROVAL_REQUIRED }) {
    requestId
  }
}`,
      variables: { phoneNumberId, subject: 'Lunch run' },
    },
    {
      name: 'InviteLink',
      comment: `A group's invite link.`,
      operation: `query InviteLink($id: ID! = "${first}") {
  group(id: $id) { subject inviteLink }
}`,
      variables: { id: first },
    },
    {
      name: 'ResetInviteLink',
      comment: `A new invite link: the old one stops working.`,
      operation: `mutation ResetInviteLink($id: ID! = "${first}") {
  resetGroupInviteLink(input: { id: $id }) { inviteLink }
}`,
      variables: { id: first },
    },
    {
      name: 'JoinRequests',
      comment: `People waiting to join a group that asks approval.`,
      operation: `query JoinRequests($id: ID! = "${waitingId}") {
  group(id: $id) {
    subject
    joinRequests { nodes { id waId createdAt } }
  }
}`,
      variables: { id: waitingId },
    },
    {
      name: 'ApproveJoinRequest',
      comment: `Approve one of them: they become a participant.`,
      operation: `mutation ApproveJoinRequest($id: ID! = "${waitingId}", $joinRequestIds: [ID!]! = ["${askingToJoin}"]) {
  approveGroupJoinRequests(input: { id: $id, joinRequestIds: $joinRequestIds }) {
    approvedJoinRequestIds
    failedJoinRequests { joinRequestId code message }
    group { participants { waId } }
  }
}`,
      variables: { id: waitingId, joinRequestIds: [askingToJoin] },
    },
    {
      name: 'RemoveParticipant',
      comment: `Remove a participant.`,
      operation: `mutation RemoveParticipant($id: ID! = "${first}", $participants: [String!]! = ["${member}"]) {
  removeGroupParticipants(input: { id: $id, participants: $participants }) {
    success
    removedParticipants
    failedParticipants { participant code message }
  }
}`,
      variables: { id: first, participants: [member] },
    },
    {
      name: 'WatchMessages',
      comment: `Talk in a group. Press ▶ and leave this tab streaming: open this page in a second window and run
SendMessage there. Its statuses arrive here live: SENT for the group, then DELIVERED and READ per member.`,
      operation: `subscription WatchMessages($groupId: ID = "${first}") {
  groupEvents(groupId: $groupId) {
    __typename
    eventId
    ... on GroupMessageStatusChanged { messageId status participant { waId userId name } }
    ... on GroupMessageReceived { messageId from { waId name } type text }
  }
}`,
      variables: { groupId: first },
    },
    {
      name: 'SendMessage',
      comment: `Send a text message to the group.`,
      operation: `mutation SendMessage($phoneNumberId: ID! = "${phoneNumberId}", $groupId: ID! = "${first}", $body: String! = "Hello from GraphiQL 👋") {
  sendGroupMessage(input: { phoneNumberId: $phoneNumberId, groupId: $groupId, text: { body: $body } }) {
    messageId
    groupId
  }
}`,
      variables: { phoneNumberId, groupId: first, body: 'Hello from GraphiQL 👋' },
    },
    {
      name: 'PinMessage',
      comment: `Pin a message for 7 days: the demo message the business posted in this group. To pin the one
SendMessage sent, put its messageId in Variables. At most 3 stay pinned; a fourth pin unpins the oldest.`,
      operation: `mutation PinMessage($phoneNumberId: ID! = "${phoneNumberId}", $groupId: ID! = "${messageGroup}", $messageId: ID! = "${messageId}") {
  pinGroupMessage(input: { phoneNumberId: $phoneNumberId, groupId: $groupId, messageId: $messageId, expirationDays: 7 }) {
    messageId
    groupId
  }
}`,
      variables: { phoneNumberId, groupId: messageGroup, messageId },
    },
    {
      name: 'InviteByLink',
      comment: `Invite people: one template message each, whose body parameter Meta turns into the group's invite
link. The second number is the sandbox's undeliverable one: it shows a failed entry.`,
      operation: `mutation InviteByLink($phoneNumberId: ID! = "${phoneNumberId}", $groupId: ID! = "${first}", $to: [String!]! = ["+16505551234", "+15550000026"]) {
  sendGroupInviteLink(input: {
    phoneNumberId: $phoneNumberId
    groupId: $groupId
    to: $to
    template: { name: "group_invite", languageCode: "en" }
  }) {
    sent { to messageId }
    failed { to code message }
  }
}`,
      variables: { phoneNumberId, groupId: first, to: ['+16505551234', '+15550000026'] },
    },
  ];
}

/** A step as GraphiQL shows it in its tab: the comment, then the operation. */
export function tabQuery(step: WalkthroughStep): string {
  const comment = step.comment.split('\n').map((line) => `# ${line}`).join('\n');
  return `${comment}\n\n${step.operation}\n`;
}

/** What GraphiQL shows on `npm start` with the sandbox: the walkthrough's tabs, each with the demo token. */
export function graphiqlForSandbox(sandbox: Sandbox): GraphiQLDefaults {
  const headers = JSON.stringify({ Authorization: `Bearer ${sandbox.demoToken}` }, null, 2);
  return {
    defaultTabs: walkthroughSteps(sandbox).map((step) => ({
      query: tabQuery(step),
      variables: JSON.stringify(step.variables ?? {}, null, 2),
      headers,
    })),
    defaultHeaders: headers,
  };
}
