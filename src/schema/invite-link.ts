import { builder } from './builder.js';
import { GroupRef, partialGroup } from './group.js';
import { assertGroupId } from '../graph/group-id.js';

interface ResetResult {
  id: string;
  inviteLink: string;
}

const ResetGroupInviteLinkInput = builder.inputType('ResetGroupInviteLinkInput', {
  description: 'The group whose invite link to replace.',
  fields: (t) => ({ id: t.id({ required: true, description: 'The group id.' }) }),
});

const ResetGroupInviteLinkPayload = builder.objectRef<ResetResult>('ResetGroupInviteLinkPayload').implement({
  description: 'The outcome of `resetGroupInviteLink`.',
  fields: (t) => ({
    inviteLink: t.exposeString('inviteLink', { nullable: false, description: 'The new link; every earlier link of the group has stopped working.' }),
    group: t.field({ type: GroupRef, description: 'The group; its fields are read when selected.', resolve: (r) => partialGroup({ id: r.id }, ['id']) }),
  }),
});

builder.mutationField('resetGroupInviteLink', (t) =>
  t.field({
    type: ResetGroupInviteLinkPayload,
    nullable: false,
    description: 'Replaces a group\'s invite link: `POST /{group-id}/invite_link` (Meta, "Group management", reset invite link). Never retried.',
    args: { input: t.arg({ type: ResetGroupInviteLinkInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const id = assertGroupId(String(input.id));
      const { lifecycleWriter, groups, reads } = context.graph;
      try {
        const inviteLink = await lifecycleWriter.resetInviteLink(id);
        // The old link is gone upstream: later reads in this operation see the new one, without asking.
        groups.forget(id);
        reads.prime({ id, edge: 'invite_link', params: {} }, { messaging_product: 'whatsapp', invite_link: inviteLink });
        return { id, inviteLink };
      } catch (error) {
        groups.forget(id);
        throw error;
      }
    },
  }),
);
