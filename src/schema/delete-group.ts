import { builder } from './builder.js';
import { assertGroupId } from './group-id.js';

interface DeleteGroupResult {
  id: string;
  requestId: string | undefined;
}

const DeleteGroupInput = builder.inputType('DeleteGroupInput', {
  description: 'The group to delete.',
  fields: (t) => ({ id: t.id({ required: true, description: 'The group id.' }) }),
});

const DeleteGroupPayload = builder.objectRef<DeleteGroupResult>('DeleteGroupPayload').implement({
  description: 'The outcome of `deleteGroup`.',
  fields: (t) => ({
    success: t.boolean({
      nullable: false,
      description: 'True: the Graph API accepted the deletion (a refusal is an error instead).',
      resolve: () => true,
    }),
    deletedGroupId: t.id({ description: 'The id of the deleted group.', resolve: (result) => result.id }),
    requestId: t.string({
      description: 'The Graph API\'s `request_id`, where it answered with one instead of `{"success": true}`; the outcome then arrives in a `group_lifecycle_update` webhook.',
      resolve: (result) => result.requestId ?? null,
    }),
  }),
});

builder.mutationField('deleteGroup', (t) =>
  t.field({
    type: DeleteGroupPayload,
    nullable: false,
    description: 'Deletes a group and removes everyone from it, the business included (Meta, "Group management", delete group).',
    args: { input: t.arg({ type: DeleteGroupInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const id = assertGroupId(String(input.id));
      // The writer drops the group from this request's reads and from the group cache.
      const { requestId } = await context.graph.groupWriter.delete(id);
      return { id, requestId };
    },
  }),
);
