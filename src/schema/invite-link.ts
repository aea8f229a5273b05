import { builder } from './builder.js';
import { GroupRef, partialGroup } from './group.js';
import { assertGroupId } from './group-id.js';

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
      // The writer primes this request's reads with the new link: later reads in the operation see it without asking.
      const inviteLink = await context.graph.lifecycleWriter.resetInviteLink(id);
      return { id, inviteLink };
    },
  }),
);
