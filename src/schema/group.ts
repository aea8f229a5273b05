import type { GraphQLObjectType, GraphQLResolveInfo } from 'graphql';
import type { GatewayContext } from '../context.js';
import type { GraphGroup, GraphGroupField, GraphParticipant } from '../graph/types.js';
import { builder } from './builder.js';
import { assertGroupId } from '../graph/group-id.js';
import { fromGraph, selectedGraph } from './graph-fields.js';

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

/**
 * A group as resolvers hold it. From a node read it has every selected field. From a list page or a
 * write's answer it has only some (`knownFields`): a field it lacks is then read through the group
 * loader, so all such reads of one operation (a whole page's `participants`) share one batch.
 */
export type GroupParent = GraphGroup & { readonly [KNOWN_FIELDS]?: ReadonlySet<string> };
const KNOWN_FIELDS = Symbol('knownFields');

/** A group of which only these Graph fields are known (the rest is read when selected). */
export function partialGroup(group: GraphGroup, knownFields: readonly string[]): GroupParent {
  return { ...group, [KNOWN_FIELDS]: new Set(knownFields) };
}

/**
 * Resolves a node field from the parent when it has the field's Graph fields, else through the
 * loader (by the parent's id, asking for just these fields: the loader merges them per id).
 */
function nodeField<T>(graph: GraphGroupField[], read: (group: GraphGroup) => T) {
  return {
    ...fromGraph(...graph),
    resolve: (group: GroupParent, _args: object, context: GatewayContext): T | Promise<T> => {
      const known = group[KNOWN_FIELDS];
      if (!known || graph.every((field) => known.has(field))) return read(group);
      return context.graph.groups.load({ id: group.id, fields: ['id', ...graph] }).then(read);
    },
  };
}

export const GroupRef = builder.objectRef<GroupParent>('Group');
GroupRef.implement({
  description: 'A WhatsApp group managed by a business phone number through the Cloud API.',
  fields: (t) => ({
    id: t.exposeID('id', { nullable: false, description: 'The group id, e.g. `Y2FwaV9ncm91cDox…ZD`.', ...fromGraph('id') }),
    messagingProduct: t.string({ description: 'Always `whatsapp`.', ...nodeField(['messaging_product'], (g) => g.messaging_product ?? null) }),
    subject: t.string({ description: 'The group name: at most 128 characters.', ...nodeField(['subject'], (g) => g.subject ?? null) }),
    description: t.string({
      description: 'The group description, if set: at most 2048 characters.',
      ...nodeField(['description'], (g) => g.description ?? null),
    }),
    suspended: t.boolean({ description: 'True when WhatsApp has suspended the group.', ...nodeField(['suspended'], (g) => g.suspended ?? null) }),
    joinApprovalMode: t.field({
      type: JoinApprovalMode,
      description: 'Whether joining through the invite link needs approval.',
      // A mode this schema does not know yet reads as null rather than failing the whole field.
      ...nodeField(['join_approval_mode'], (g) =>
        g.join_approval_mode === 'approval_required' || g.join_approval_mode === 'auto_approve' ? g.join_approval_mode : null,
      ),
    }),
    creationTimestamp: t.int({
      description: 'When the group was created, in Unix seconds.',
      ...nodeField(['creation_timestamp'], (g) => unixSeconds(g.creation_timestamp)),
    }),
    createdAt: t.field({
      type: 'DateTime',
      description: 'When the group was created (`creationTimestamp` as a date-time).',
      ...nodeField(['creation_timestamp'], (g) => {
        const seconds = unixSeconds(g.creation_timestamp);
        return seconds === null ? null : new Date(seconds * 1000);
      }),
    }),
    participants: t.field({
      type: [GroupParticipantRef],
      description: 'The members, excluding the business (at most 8).',
      ...nodeField(['participants'], (g) => g.participants ?? null),
    }),
    totalParticipantCount: t.int({
      description: 'How many members the group has, excluding the business.',
      ...nodeField(['total_participant_count'], (g) => g.total_participant_count ?? null),
    }),
  }),
});

/**
 * The group at this resolver, reading only what the selection needs. A node read is what tells an
 * unknown group from a known one; when the selection needs nothing of the node but its id and
 * reads an edge (`group(id) { inviteLink }`), the edge read tells it instead and the node is not
 * read: one upstream read, and an unknown group fails at the edge with NOT_FOUND.
 */
export function loadGroup(id: string, context: GatewayContext, info: GraphQLResolveInfo): GroupParent | Promise<GroupParent> {
  assertGroupId(id);
  const type = info.schema.getType('Group') as GraphQLObjectType;
  const selection = selectedGraph(info, type);
  if (selection.edges && selection.fields.length === 1) return partialGroup({ id }, ['id']);
  return context.graph.groups.load({ id, fields: selection.fields });
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

/** Integer in Meta's spec, quoted in its samples; both are accepted. */
function unixSeconds(value: number | string | undefined): number | null {
  const seconds = typeof value === 'string' ? Number(value) : value;
  return seconds !== undefined && Number.isSafeInteger(seconds) ? seconds : null;
}
