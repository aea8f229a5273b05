import { GatewayError } from '../errors.js';
import type { FailedItem, JoinRequestsOutcome } from '../graph/lifecycle-writes.js';
import type { GatewayContext } from '../context.js';
import { builder } from './builder.js';
import { GroupRef, partialGroup } from './group.js';
import { assertGroupId } from './group-id.js';

/** Meta's reference gives no cap; 50 keeps one call as small as a batch. */
export const MAX_JOIN_REQUESTS_PER_CALL = 50;

interface AnsweredResult {
  id: string;
  outcome: JoinRequestsOutcome;
}

const GroupJoinRequestsInput = builder.inputType('GroupJoinRequestsInput', {
  description: 'The group and the join requests to approve or reject.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'The group id.' }),
    joinRequestIds: t.idList({ required: true, description: `1 to ${MAX_JOIN_REQUESTS_PER_CALL} distinct join request ids (\`GroupJoinRequest.id\`).` }),
  }),
});

const FailedGroupJoinRequestRef = builder.objectRef<FailedItem>('FailedGroupJoinRequest').implement({
  description: 'A join request that was not approved or rejected, and why (e.g. 131213: it does not exist; 131203: the person has not accepted the terms of service).',
  fields: (t) => ({
    joinRequestId: t.id({ nullable: false, description: 'The join request id as sent.', resolve: (f) => f.item }),
    code: t.int({ description: 'The Graph API error code, when one was given.', resolve: (f) => f.code ?? null }),
    message: t.exposeString('message', { nullable: false, description: 'Why it was not applied.' }),
  }),
});


const ApproveGroupJoinRequestsPayload = builder.objectRef<AnsweredResult>('ApproveGroupJoinRequestsPayload').implement({
  description: 'The outcome of `approveGroupJoinRequests`: approved people become participants.',
  fields: (t) => ({
    approvedJoinRequestIds: t.idList({ nullable: false, description: 'The join requests approved.', resolve: (r) => r.outcome.answered }),
    failedJoinRequests: t.field({ type: [FailedGroupJoinRequestRef], nullable: false, description: 'The join requests not approved, each with the Graph error.', resolve: (r) => r.outcome.failed }),
    group: t.field({ type: GroupRef, description: 'The group; its fields are read when selected.', resolve: (r) => partialGroup({ id: r.id }, ['id']) }),
  }),
});

const RejectGroupJoinRequestsPayload = builder.objectRef<AnsweredResult>('RejectGroupJoinRequestsPayload').implement({
  description: 'The outcome of `rejectGroupJoinRequests`: rejected requests disappear (the person may ask again).',
  fields: (t) => ({
    rejectedJoinRequestIds: t.idList({ nullable: false, description: 'The join requests rejected.', resolve: (r) => r.outcome.answered }),
    failedJoinRequests: t.field({ type: [FailedGroupJoinRequestRef], nullable: false, description: 'The join requests not rejected, each with the Graph error.', resolve: (r) => r.outcome.failed }),
    group: t.field({ type: GroupRef, description: 'The group; its fields are read when selected.', resolve: (r) => partialGroup({ id: r.id }, ['id']) }),
  }),
});

builder.mutationField('approveGroupJoinRequests', (t) =>
  t.field({
    type: ApproveGroupJoinRequestsPayload,
    nullable: false,
    description: 'Approves join requests: `POST /{group-id}/join_requests` (Meta, "Group management", approve join requests). Never retried.',
    args: { input: t.arg({ type: GroupJoinRequestsInput, required: true }) },
    resolve: (_root, { input }, context) => answer(input, 'approve', context),
  }),
);

builder.mutationField('rejectGroupJoinRequests', (t) =>
  t.field({
    type: RejectGroupJoinRequestsPayload,
    nullable: false,
    description: 'Rejects join requests: `DELETE /{group-id}/join_requests` (Meta, "Group management", reject join requests). Never retried.',
    args: { input: t.arg({ type: GroupJoinRequestsInput, required: true }) },
    resolve: (_root, { input }, context) => answer(input, 'reject', context),
  }),
);

async function answer(
  input: { id: string | number; joinRequestIds: readonly (string | number)[] },
  decision: 'approve' | 'reject',
  context: GatewayContext,
): Promise<AnsweredResult> {
  const id = assertGroupId(String(input.id));
  const ids = checkJoinRequestIds(input.joinRequestIds.map(String));
  // Participants and pending requests change: the writer drops the group from this request's reads and the cache.
  return { id, outcome: await context.graph.lifecycleWriter.answerJoinRequests(id, ids, decision) };
}

function checkJoinRequestIds(ids: readonly string[]): string[] {
  const problems: string[] = [];
  if (ids.length === 0 || ids.length > MAX_JOIN_REQUESTS_PER_CALL) problems.push(`give 1 to ${MAX_JOIN_REQUESTS_PER_CALL} join request ids; got ${ids.length}`);
  const seen = new Set<string>();
  ids.slice(0, 100).forEach((id, index) => {
    if (!/^[A-Za-z0-9_=+-]{1,256}$/.test(id)) problems.push(`joinRequestIds[${index}] is not a Graph id (letters, digits and _ - = +, at most 256)`);
    else if (seen.has(id)) problems.push(`joinRequestIds[${index}] repeats ${id}: each join request once`);
    seen.add(id);
  });
  if (problems.length > 0) throw new GatewayError('BAD_USER_INPUT', `Invalid join requests: ${problems.join('; ')}`);
  return [...ids];
}
