import type { GraphQLObjectType, GraphQLResolveInfo } from 'graphql';
import type { GatewayContext } from '../context.js';
import type { GraphGroup, GraphParticipant } from '../graph/types.js';
import { builder } from './builder.js';
import { assertGroupId } from './group-id.js';
import { fromGraph, selectedGraphFields } from './graph-fields.js';

export const JoinApprovalMode = builder.enumType('JoinApprovalMode', {
  description: 'Whether people who open the invite link join at once or wait for approval.',
  values: {
    APPROVAL_REQUIRED: { value: 'approval_required', description: 'Join requests wait for the business to approve or reject them.' },
    AUTO_APPROVE: { value: 'auto_approve', description: 'Anyone with the invite link joins at once (the default).' },
  } as const,
});

export const GroupParticipantRef = builder.objectRef<GraphParticipant>('GroupParticipant');
GroupParticipantRef.implement({
  description: 'A member of a group. The business itself is not listed.',
  fields: (t) => ({
    waId: t.string({
      description: 'WhatsApp id: phone number digits with country code, no `+`. Absent for users who enabled usernames.',
      resolve: (p) => p.wa_id ?? null,
    }),
    userId: t.string({
      description: 'Business-scoped user id (BSUID, 2026), e.g. `US.13491208655302741918`.',
      resolve: (p) => p.user_id ?? null,
    }),
    parentUserId: t.string({
      description: 'Parent business-scoped user id, where WhatsApp sends one (2026).',
      resolve: (p) => p.parent_user_id ?? null,
    }),
    username: t.string({ description: 'WhatsApp username, for users who enabled usernames (2026).', resolve: (p) => p.username ?? null }),
  }),
});

export const GroupRef = builder.objectRef<GraphGroup>('Group');
GroupRef.implement({
  description: 'A WhatsApp group managed by a business phone number through the Cloud API.',
  fields: (t) => ({
    id: t.exposeID('id', { nullable: false, description: 'The group id, e.g. `Y2FwaV9ncm91cDox…ZD`.', ...fromGraph('id') }),
    messagingProduct: t.string({
      description: 'Always `whatsapp`.',
      ...fromGraph('messaging_product'),
      resolve: (g) => g.messaging_product ?? null,
    }),
    subject: t.string({ description: 'The group name: at most 128 characters.', ...fromGraph('subject'), resolve: (g) => g.subject ?? null }),
    description: t.string({
      description: 'The group description, if set: at most 2048 characters.',
      ...fromGraph('description'),
      resolve: (g) => g.description ?? null,
    }),
    suspended: t.boolean({
      description: 'True when WhatsApp has suspended the group.',
      ...fromGraph('suspended'),
      resolve: (g) => g.suspended ?? null,
    }),
    joinApprovalMode: t.field({
      type: JoinApprovalMode,
      description: 'Whether joining through the invite link needs approval.',
      ...fromGraph('join_approval_mode'),
      // A mode this schema does not know yet reads as null rather than failing the whole field.
      resolve: (g) => (g.join_approval_mode === 'approval_required' || g.join_approval_mode === 'auto_approve' ? g.join_approval_mode : null),
    }),
    creationTimestamp: t.int({
      description: 'When the group was created, in Unix seconds.',
      ...fromGraph('creation_timestamp'),
      resolve: (g) => unixSeconds(g.creation_timestamp),
    }),
    createdAt: t.field({
      type: 'DateTime',
      description: 'When the group was created (`creationTimestamp` as a date-time).',
      ...fromGraph('creation_timestamp'),
      resolve: (g) => {
        const seconds = unixSeconds(g.creation_timestamp);
        return seconds === null ? null : new Date(seconds * 1000);
      },
    }),
    participants: t.field({
      type: [GroupParticipantRef],
      description: 'The members, excluding the business (at most 8).',
      ...fromGraph('participants'),
      resolve: (g) => g.participants ?? null,
    }),
    totalParticipantCount: t.int({
      description: 'How many members the group has, excluding the business.',
      ...fromGraph('total_participant_count'),
      resolve: (g) => g.total_participant_count ?? null,
    }),
  }),
});

/** The loader lookup for a group at this resolver: its id and exactly the Graph fields selected under it. */
export function loadGroup(id: string, context: GatewayContext, info: GraphQLResolveInfo): Promise<GraphGroup> {
  assertGroupId(id);
  const type = info.schema.getType('Group') as GraphQLObjectType;
  return context.graph.groups.load({ id, fields: selectedGraphFields(info, type) });
}

builder.queryField('group', (t) =>
  t.field({
    type: GroupRef,
    description: 'A group by id, with only the selected fields read from the Graph API. Null, with an error, when it cannot be read.',
    args: { id: t.arg.id({ required: true, description: 'The group id.' }) },
    resolve: (_root, { id }, context, info) => loadGroup(String(id), context, info),
  }),
);

builder.asEntity(GroupRef, {
  key: builder.selection<{ id: string }>('id'),
  // Every representation of one `_entities` call goes through the same loader: one upstream batch.
  resolveReference: (reference, context, info) => loadGroup(reference.id, context, info),
});

/** The notes say integer but show a quoted sample; both are accepted. */
function unixSeconds(value: number | string | undefined): number | null {
  const seconds = typeof value === 'string' ? Number(value) : value;
  return seconds !== undefined && Number.isSafeInteger(seconds) ? seconds : null;
}
