import { GatewayError } from '../errors.js';
import { builder } from './builder.js';
import { GroupRef, JoinApprovalMode, partialGroup } from './group.js';
import { assertPhoneNumberId } from './phone-number-id.js';
import { DESCRIPTION_MAX_LENGTH, SUBJECT_MAX_LENGTH } from './update-group.js';

interface CreateGroupResult {
  phoneNumberId: string;
  requestId: string | undefined;
  groupId: string | undefined;
}

const CreateGroupInput = builder.inputType('CreateGroupInput', {
  description: 'The new group: owned by the business phone number that creates it.',
  fields: (t) => ({
    phoneNumberId: t.id({ required: true, description: 'The business phone number id (digits) that creates and owns the group.' }),
    subject: t.string({ required: true, description: `The name: 1 to ${SUBJECT_MAX_LENGTH} characters after trimming whitespace (it is sent trimmed).` }),
    description: t.string({ description: `At most ${DESCRIPTION_MAX_LENGTH} characters.` }),
    joinApprovalMode: t.field({ type: JoinApprovalMode, description: 'AUTO_APPROVE (the Graph default) or APPROVAL_REQUIRED.' }),
  }),
});

const CreateGroupPayload = builder.objectRef<CreateGroupResult>('CreateGroupPayload').implement({
  description: 'The outcome of `createGroup`. Creation is asynchronous upstream: the group id and invite link arrive in a `group_lifecycle_update` webhook carrying `requestId`.',
  fields: (t) => ({
    requestId: t.string({ description: 'The Graph API\'s `request_id` (its documented answer).', resolve: (r) => r.requestId ?? null }),
    phoneNumberId: t.id({ nullable: false, description: 'The phone number the group was created for.', resolve: (r) => r.phoneNumberId }),
    group: t.field({
      type: GroupRef,
      description: 'The new group, only when the Graph API answered with its id (some do); its fields are read when selected.',
      resolve: (r) => (r.groupId ? partialGroup({ id: r.groupId }, ['id']) : null),
    }),
  }),
});

builder.mutationField('createGroup', (t) =>
  t.field({
    type: CreateGroupPayload,
    nullable: false,
    description: 'Creates a group: `POST /{phone-number-id}/groups` (Meta, "Group management", create group). Validated before any upstream call; never retried.',
    args: { input: t.arg({ type: CreateGroupInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const phoneNumberId = assertPhoneNumberId(String(input.phoneNumberId));
      const subject = input.subject.trim();
      const problems: string[] = [];
      const subjectLength = [...subject].length;
      if (subjectLength === 0) problems.push(`subject must not be empty or only whitespace: give 1 to ${SUBJECT_MAX_LENGTH} characters`);
      else if (subjectLength > SUBJECT_MAX_LENGTH) problems.push(`subject is ${subjectLength} characters long after trimming: at most ${SUBJECT_MAX_LENGTH} are allowed`);
      const descriptionLength = input.description == null ? 0 : [...input.description].length;
      if (descriptionLength > DESCRIPTION_MAX_LENGTH) problems.push(`description is ${descriptionLength} characters long: at most ${DESCRIPTION_MAX_LENGTH} are allowed`);
      if (problems.length > 0) throw new GatewayError('BAD_USER_INPUT', `Invalid group: ${problems.join('; ')}`);

      const created = await context.graph.lifecycleWriter.create(phoneNumberId, {
        subject,
        ...(input.description != null ? { description: input.description } : {}),
        ...(input.joinApprovalMode ? { join_approval_mode: input.joinApprovalMode } : {}),
      });
      return { phoneNumberId, ...created };
    },
  }),
);
