/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query GroupById($id: ID!) {\n    group(id: $id) {\n      id\n    }\n  }\n": typeof types.GroupByIdDocument,
    "\n  query InviteLink($id: ID!) { group(id: $id) { id inviteLink } }\n": typeof types.InviteLinkDocument,
    "\n  query PageJoinRequests($phoneNumberId: ID!, $first: Int) {\n    groups(phoneNumberId: $phoneNumberId, first: $first) { nodes { id joinRequests { nodes { id } } } }\n  }\n": typeof types.PageJoinRequestsDocument,
    "\n  query JoinRequestsOfGroup($id: ID!, $first: Int, $after: String) {\n    group(id: $id) {\n      joinRequests(first: $first, after: $after) {\n        edges { cursor node { id waId creationTimestamp createdAt } }\n        pageInfo { hasNextPage endCursor }\n      }\n    }\n  }\n": typeof types.JoinRequestsOfGroupDocument,
    "\n  query GroupsPage($phoneNumberId: ID!, $first: Int, $after: String, $last: Int, $before: String) {\n    groups(phoneNumberId: $phoneNumberId, first: $first, after: $after, last: $last, before: $before) {\n      edges { cursor node { id subject createdAt } }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n": typeof types.GroupsPageDocument,
    "\n  query GroupsWithParticipants($phoneNumberId: ID!, $first: Int) {\n    groups(phoneNumberId: $phoneNumberId, first: $first) { nodes { id subject participants { waId } } }\n  }\n": typeof types.GroupsWithParticipantsDocument,
    "\n  query GroupSubject($id: ID!) {\n    group(id: $id) {\n      id\n      subject\n    }\n  }\n": typeof types.GroupSubjectDocument,
    "\n  query GroupEverything($id: ID!) {\n    group(id: $id) {\n      id\n      messagingProduct\n      subject\n      description\n      suspended\n      joinApprovalMode\n      creationTimestamp\n      createdAt\n      participants {\n        waId\n        userId\n        username\n      }\n      totalParticipantCount\n    }\n  }\n": typeof types.GroupEverythingDocument,
    "\n  query GroupWithFragments($id: ID!, $withPeople: Boolean!) {\n    group(id: $id) {\n      ...GroupNames\n      ... on Group {\n        mode: joinApprovalMode\n      }\n      participants @include(if: $withPeople) {\n        waId\n      }\n    }\n  }\n  fragment GroupNames on Group {\n    title: subject\n  }\n": typeof types.GroupWithFragmentsDocument,
    "\n  mutation DeleteGroup($input: DeleteGroupInput!) { deleteGroup(input: $input) { success deletedGroupId requestId } }\n": typeof types.DeleteGroupDocument,
    "\n  mutation CreateGroup($input: CreateGroupInput!) { createGroup(input: $input) { requestId phoneNumberId group { id subject } } }\n": typeof types.CreateGroupDocument,
    "\n  mutation ResetInviteLink($input: ResetGroupInviteLinkInput!) { resetGroupInviteLink(input: $input) { inviteLink } }\n": typeof types.ResetInviteLinkDocument,
    "\n  mutation RemoveParticipants($input: RemoveGroupParticipantsInput!) {\n    removeGroupParticipants(input: $input) {\n      success requestId removedParticipants failedParticipants { participant code message } group { participants { waId } }\n    }\n  }\n": typeof types.RemoveParticipantsDocument,
    "\n  mutation ApproveJoinRequests($input: GroupJoinRequestsInput!) {\n    approveGroupJoinRequests(input: $input) {\n      approvedJoinRequestIds failedJoinRequests { joinRequestId code message }\n      group { participants { waId } joinRequests { nodes { id } } }\n    }\n  }\n": typeof types.ApproveJoinRequestsDocument,
    "\n  mutation RejectJoinRequests($input: GroupJoinRequestsInput!) {\n    rejectGroupJoinRequests(input: $input) { rejectedJoinRequestIds failedJoinRequests { joinRequestId code message } }\n  }\n": typeof types.RejectJoinRequestsDocument,
    "\n  query ListSubjects($phoneNumberId: ID!) { groups(phoneNumberId: $phoneNumberId, first: 50) { nodes { id subject } } }\n": typeof types.ListSubjectsDocument,
    "\n  mutation SendGroupMessage($input: SendGroupMessageInput!) { sendGroupMessage(input: $input) { messageId groupId } }\n": typeof types.SendGroupMessageDocument,
    "\n  mutation SendGroupInviteLink($input: SendGroupInviteLinkInput!) { sendGroupInviteLink(input: $input) { groupId sent { to messageId } failed { to code message } } }\n": typeof types.SendGroupInviteLinkDocument,
    "\n  mutation PinGroupMessage($input: PinGroupMessageInput!) { pinGroupMessage(input: $input) { messageId groupId } }\n": typeof types.PinGroupMessageDocument,
    "\n  mutation UnpinGroupMessage($input: UnpinGroupMessageInput!) { unpinGroupMessage(input: $input) { messageId groupId } }\n": typeof types.UnpinGroupMessageDocument,
    "\n  mutation UpdateGroup($input: UpdateGroupInput!) {\n    updateGroup(input: $input) { success updatedFields requestId requestIds group { id subject description } }\n  }\n": typeof types.UpdateGroupDocument,
    "\n  mutation UpdateGroupNoRead($input: UpdateGroupInput!) { updateGroup(input: $input) { success updatedFields } }\n": typeof types.UpdateGroupNoReadDocument,
    "\n  mutation UpdatePicture($input: UpdateGroupInput!) { updateGroup(input: $input) { success updatedFields requestId } }\n": typeof types.UpdatePictureDocument,
};
const documents: Documents = {
    "\n  query GroupById($id: ID!) {\n    group(id: $id) {\n      id\n    }\n  }\n": types.GroupByIdDocument,
    "\n  query InviteLink($id: ID!) { group(id: $id) { id inviteLink } }\n": types.InviteLinkDocument,
    "\n  query PageJoinRequests($phoneNumberId: ID!, $first: Int) {\n    groups(phoneNumberId: $phoneNumberId, first: $first) { nodes { id joinRequests { nodes { id } } } }\n  }\n": types.PageJoinRequestsDocument,
    "\n  query JoinRequestsOfGroup($id: ID!, $first: Int, $after: String) {\n    group(id: $id) {\n      joinRequests(first: $first, after: $after) {\n        edges { cursor node { id waId creationTimestamp createdAt } }\n        pageInfo { hasNextPage endCursor }\n      }\n    }\n  }\n": types.JoinRequestsOfGroupDocument,
    "\n  query GroupsPage($phoneNumberId: ID!, $first: Int, $after: String, $last: Int, $before: String) {\n    groups(phoneNumberId: $phoneNumberId, first: $first, after: $after, last: $last, before: $before) {\n      edges { cursor node { id subject createdAt } }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n": types.GroupsPageDocument,
    "\n  query GroupsWithParticipants($phoneNumberId: ID!, $first: Int) {\n    groups(phoneNumberId: $phoneNumberId, first: $first) { nodes { id subject participants { waId } } }\n  }\n": types.GroupsWithParticipantsDocument,
    "\n  query GroupSubject($id: ID!) {\n    group(id: $id) {\n      id\n      subject\n    }\n  }\n": types.GroupSubjectDocument,
    "\n  query GroupEverything($id: ID!) {\n    group(id: $id) {\n      id\n      messagingProduct\n      subject\n      description\n      suspended\n      joinApprovalMode\n      creationTimestamp\n      createdAt\n      participants {\n        waId\n        userId\n        username\n      }\n      totalParticipantCount\n    }\n  }\n": types.GroupEverythingDocument,
    "\n  query GroupWithFragments($id: ID!, $withPeople: Boolean!) {\n    group(id: $id) {\n      ...GroupNames\n      ... on Group {\n        mode: joinApprovalMode\n      }\n      participants @include(if: $withPeople) {\n        waId\n      }\n    }\n  }\n  fragment GroupNames on Group {\n    title: subject\n  }\n": types.GroupWithFragmentsDocument,
    "\n  mutation DeleteGroup($input: DeleteGroupInput!) { deleteGroup(input: $input) { success deletedGroupId requestId } }\n": types.DeleteGroupDocument,
    "\n  mutation CreateGroup($input: CreateGroupInput!) { createGroup(input: $input) { requestId phoneNumberId group { id subject } } }\n": types.CreateGroupDocument,
    "\n  mutation ResetInviteLink($input: ResetGroupInviteLinkInput!) { resetGroupInviteLink(input: $input) { inviteLink } }\n": types.ResetInviteLinkDocument,
    "\n  mutation RemoveParticipants($input: RemoveGroupParticipantsInput!) {\n    removeGroupParticipants(input: $input) {\n      success requestId removedParticipants failedParticipants { participant code message } group { participants { waId } }\n    }\n  }\n": types.RemoveParticipantsDocument,
    "\n  mutation ApproveJoinRequests($input: GroupJoinRequestsInput!) {\n    approveGroupJoinRequests(input: $input) {\n      approvedJoinRequestIds failedJoinRequests { joinRequestId code message }\n      group { participants { waId } joinRequests { nodes { id } } }\n    }\n  }\n": types.ApproveJoinRequestsDocument,
    "\n  mutation RejectJoinRequests($input: GroupJoinRequestsInput!) {\n    rejectGroupJoinRequests(input: $input) { rejectedJoinRequestIds failedJoinRequests { joinRequestId code message } }\n  }\n": types.RejectJoinRequestsDocument,
    "\n  query ListSubjects($phoneNumberId: ID!) { groups(phoneNumberId: $phoneNumberId, first: 50) { nodes { id subject } } }\n": types.ListSubjectsDocument,
    "\n  mutation SendGroupMessage($input: SendGroupMessageInput!) { sendGroupMessage(input: $input) { messageId groupId } }\n": types.SendGroupMessageDocument,
    "\n  mutation SendGroupInviteLink($input: SendGroupInviteLinkInput!) { sendGroupInviteLink(input: $input) { groupId sent { to messageId } failed { to code message } } }\n": types.SendGroupInviteLinkDocument,
    "\n  mutation PinGroupMessage($input: PinGroupMessageInput!) { pinGroupMessage(input: $input) { messageId groupId } }\n": types.PinGroupMessageDocument,
    "\n  mutation UnpinGroupMessage($input: UnpinGroupMessageInput!) { unpinGroupMessage(input: $input) { messageId groupId } }\n": types.UnpinGroupMessageDocument,
    "\n  mutation UpdateGroup($input: UpdateGroupInput!) {\n    updateGroup(input: $input) { success updatedFields requestId requestIds group { id subject description } }\n  }\n": types.UpdateGroupDocument,
    "\n  mutation UpdateGroupNoRead($input: UpdateGroupInput!) { updateGroup(input: $input) { success updatedFields } }\n": types.UpdateGroupNoReadDocument,
    "\n  mutation UpdatePicture($input: UpdateGroupInput!) { updateGroup(input: $input) { success updatedFields requestId } }\n": types.UpdatePictureDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GroupById($id: ID!) {\n    group(id: $id) {\n      id\n    }\n  }\n"): (typeof documents)["\n  query GroupById($id: ID!) {\n    group(id: $id) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query InviteLink($id: ID!) { group(id: $id) { id inviteLink } }\n"): (typeof documents)["\n  query InviteLink($id: ID!) { group(id: $id) { id inviteLink } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PageJoinRequests($phoneNumberId: ID!, $first: Int) {\n    groups(phoneNumberId: $phoneNumberId, first: $first) { nodes { id joinRequests { nodes { id } } } }\n  }\n"): (typeof documents)["\n  query PageJoinRequests($phoneNumberId: ID!, $first: Int) {\n    groups(phoneNumberId: $phoneNumberId, first: $first) { nodes { id joinRequests { nodes { id } } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query JoinRequestsOfGroup($id: ID!, $first: Int, $after: String) {\n    group(id: $id) {\n      joinRequests(first: $first, after: $after) {\n        edges { cursor node { id waId creationTimestamp createdAt } }\n        pageInfo { hasNextPage endCursor }\n      }\n    }\n  }\n"): (typeof documents)["\n  query JoinRequestsOfGroup($id: ID!, $first: Int, $after: String) {\n    group(id: $id) {\n      joinRequests(first: $first, after: $after) {\n        edges { cursor node { id waId creationTimestamp createdAt } }\n        pageInfo { hasNextPage endCursor }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GroupsPage($phoneNumberId: ID!, $first: Int, $after: String, $last: Int, $before: String) {\n    groups(phoneNumberId: $phoneNumberId, first: $first, after: $after, last: $last, before: $before) {\n      edges { cursor node { id subject createdAt } }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n"): (typeof documents)["\n  query GroupsPage($phoneNumberId: ID!, $first: Int, $after: String, $last: Int, $before: String) {\n    groups(phoneNumberId: $phoneNumberId, first: $first, after: $after, last: $last, before: $before) {\n      edges { cursor node { id subject createdAt } }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GroupsWithParticipants($phoneNumberId: ID!, $first: Int) {\n    groups(phoneNumberId: $phoneNumberId, first: $first) { nodes { id subject participants { waId } } }\n  }\n"): (typeof documents)["\n  query GroupsWithParticipants($phoneNumberId: ID!, $first: Int) {\n    groups(phoneNumberId: $phoneNumberId, first: $first) { nodes { id subject participants { waId } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GroupSubject($id: ID!) {\n    group(id: $id) {\n      id\n      subject\n    }\n  }\n"): (typeof documents)["\n  query GroupSubject($id: ID!) {\n    group(id: $id) {\n      id\n      subject\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GroupEverything($id: ID!) {\n    group(id: $id) {\n      id\n      messagingProduct\n      subject\n      description\n      suspended\n      joinApprovalMode\n      creationTimestamp\n      createdAt\n      participants {\n        waId\n        userId\n        username\n      }\n      totalParticipantCount\n    }\n  }\n"): (typeof documents)["\n  query GroupEverything($id: ID!) {\n    group(id: $id) {\n      id\n      messagingProduct\n      subject\n      description\n      suspended\n      joinApprovalMode\n      creationTimestamp\n      createdAt\n      participants {\n        waId\n        userId\n        username\n      }\n      totalParticipantCount\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GroupWithFragments($id: ID!, $withPeople: Boolean!) {\n    group(id: $id) {\n      ...GroupNames\n      ... on Group {\n        mode: joinApprovalMode\n      }\n      participants @include(if: $withPeople) {\n        waId\n      }\n    }\n  }\n  fragment GroupNames on Group {\n    title: subject\n  }\n"): (typeof documents)["\n  query GroupWithFragments($id: ID!, $withPeople: Boolean!) {\n    group(id: $id) {\n      ...GroupNames\n      ... on Group {\n        mode: joinApprovalMode\n      }\n      participants @include(if: $withPeople) {\n        waId\n      }\n    }\n  }\n  fragment GroupNames on Group {\n    title: subject\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteGroup($input: DeleteGroupInput!) { deleteGroup(input: $input) { success deletedGroupId requestId } }\n"): (typeof documents)["\n  mutation DeleteGroup($input: DeleteGroupInput!) { deleteGroup(input: $input) { success deletedGroupId requestId } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateGroup($input: CreateGroupInput!) { createGroup(input: $input) { requestId phoneNumberId group { id subject } } }\n"): (typeof documents)["\n  mutation CreateGroup($input: CreateGroupInput!) { createGroup(input: $input) { requestId phoneNumberId group { id subject } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResetInviteLink($input: ResetGroupInviteLinkInput!) { resetGroupInviteLink(input: $input) { inviteLink } }\n"): (typeof documents)["\n  mutation ResetInviteLink($input: ResetGroupInviteLinkInput!) { resetGroupInviteLink(input: $input) { inviteLink } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveParticipants($input: RemoveGroupParticipantsInput!) {\n    removeGroupParticipants(input: $input) {\n      success requestId removedParticipants failedParticipants { participant code message } group { participants { waId } }\n    }\n  }\n"): (typeof documents)["\n  mutation RemoveParticipants($input: RemoveGroupParticipantsInput!) {\n    removeGroupParticipants(input: $input) {\n      success requestId removedParticipants failedParticipants { participant code message } group { participants { waId } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ApproveJoinRequests($input: GroupJoinRequestsInput!) {\n    approveGroupJoinRequests(input: $input) {\n      approvedJoinRequestIds failedJoinRequests { joinRequestId code message }\n      group { participants { waId } joinRequests { nodes { id } } }\n    }\n  }\n"): (typeof documents)["\n  mutation ApproveJoinRequests($input: GroupJoinRequestsInput!) {\n    approveGroupJoinRequests(input: $input) {\n      approvedJoinRequestIds failedJoinRequests { joinRequestId code message }\n      group { participants { waId } joinRequests { nodes { id } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RejectJoinRequests($input: GroupJoinRequestsInput!) {\n    rejectGroupJoinRequests(input: $input) { rejectedJoinRequestIds failedJoinRequests { joinRequestId code message } }\n  }\n"): (typeof documents)["\n  mutation RejectJoinRequests($input: GroupJoinRequestsInput!) {\n    rejectGroupJoinRequests(input: $input) { rejectedJoinRequestIds failedJoinRequests { joinRequestId code message } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ListSubjects($phoneNumberId: ID!) { groups(phoneNumberId: $phoneNumberId, first: 50) { nodes { id subject } } }\n"): (typeof documents)["\n  query ListSubjects($phoneNumberId: ID!) { groups(phoneNumberId: $phoneNumberId, first: 50) { nodes { id subject } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SendGroupMessage($input: SendGroupMessageInput!) { sendGroupMessage(input: $input) { messageId groupId } }\n"): (typeof documents)["\n  mutation SendGroupMessage($input: SendGroupMessageInput!) { sendGroupMessage(input: $input) { messageId groupId } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SendGroupInviteLink($input: SendGroupInviteLinkInput!) { sendGroupInviteLink(input: $input) { groupId sent { to messageId } failed { to code message } } }\n"): (typeof documents)["\n  mutation SendGroupInviteLink($input: SendGroupInviteLinkInput!) { sendGroupInviteLink(input: $input) { groupId sent { to messageId } failed { to code message } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PinGroupMessage($input: PinGroupMessageInput!) { pinGroupMessage(input: $input) { messageId groupId } }\n"): (typeof documents)["\n  mutation PinGroupMessage($input: PinGroupMessageInput!) { pinGroupMessage(input: $input) { messageId groupId } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UnpinGroupMessage($input: UnpinGroupMessageInput!) { unpinGroupMessage(input: $input) { messageId groupId } }\n"): (typeof documents)["\n  mutation UnpinGroupMessage($input: UnpinGroupMessageInput!) { unpinGroupMessage(input: $input) { messageId groupId } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateGroup($input: UpdateGroupInput!) {\n    updateGroup(input: $input) { success updatedFields requestId requestIds group { id subject description } }\n  }\n"): (typeof documents)["\n  mutation UpdateGroup($input: UpdateGroupInput!) {\n    updateGroup(input: $input) { success updatedFields requestId requestIds group { id subject description } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateGroupNoRead($input: UpdateGroupInput!) { updateGroup(input: $input) { success updatedFields } }\n"): (typeof documents)["\n  mutation UpdateGroupNoRead($input: UpdateGroupInput!) { updateGroup(input: $input) { success updatedFields } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdatePicture($input: UpdateGroupInput!) { updateGroup(input: $input) { success updatedFields requestId } }\n"): (typeof documents)["\n  mutation UpdatePicture($input: UpdateGroupInput!) { updateGroup(input: $input) { success updatedFields requestId } }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;