import { GatewayError, type ErrorCode } from '../errors.js';
import { sendInviteLinks } from '../graph/group-invites.js';
import { builder } from './builder.js';
import { assertGroupId } from './group-id.js';
import { checkTemplate, InviteTemplateInput } from './message-template.js';
import { assertPhoneNumberId } from './phone-number-id.js';

/** People one `sendGroupInviteLink` may invite: each is its own upstream send. */
export const MAX_INVITE_RECIPIENTS = 50;
/** A sanity bound on one recipient string, not a rule of Meta's (BSUID lengths are not fixed). */
const MAX_RECIPIENT_LENGTH = 160;

const SendGroupInviteLinkInput = builder.inputType('SendGroupInviteLinkInput', {
  description: 'Who to invite to a group, and the template that carries the link.',
  fields: (t) => ({
    phoneNumberId: t.id({ required: true, description: 'The business phone number id (digits) the group belongs to, which sends the invites.' }),
    groupId: t.id({ required: true, description: 'The group to invite to.' }),
    to: t.stringList({
      required: true,
      description: `1 to ${MAX_INVITE_RECIPIENTS} distinct people, each a phone number (\`+\` and digits), a wa_id (digits) or a business-scoped user id (e.g. \`US.13491208655302741918\`).`,
    }),
    template: t.field({ type: InviteTemplateInput, required: true }),
  }),
});

interface InviteResult {
  groupId: string;
  sent: { to: string; messageId: string }[];
  failed: { to: string; code: ErrorCode; message: string }[];
}

const SentGroupInvite = builder.objectRef<InviteResult['sent'][number]>('SentGroupInvite').implement({
  description: 'An invite the Graph API accepted.',
  fields: (t) => ({
    to: t.exposeString('to', { nullable: false, description: 'The person, as given.' }),
    messageId: t.exposeID('messageId', { nullable: false, description: 'The invite message\'s id.' }),
  }),
});

const FailedGroupInvite = builder.objectRef<InviteResult['failed'][number]>('FailedGroupInvite').implement({
  description: 'An invite that was not sent, and why.',
  fields: (t) => ({
    to: t.exposeString('to', { nullable: false, description: 'The person, as given.' }),
    code: t.exposeString('code', { nullable: false, description: 'The gateway error code this send failed with (the table of `extensions.code`: `RATE_LIMITED`, `BAD_USER_INPUT`, …).' }),
    message: t.exposeString('message', { nullable: false, description: 'Why, in the Graph API\'s words where it gave them.' }),
  }),
});

const SendGroupInviteLinkPayload = builder.objectRef<InviteResult>('SendGroupInviteLinkPayload').implement({
  description: 'The outcome per person: every invite is either sent or failed.',
  fields: (t) => ({
    groupId: t.exposeID('groupId', { nullable: false }),
    sent: t.field({ type: [SentGroupInvite], nullable: false, resolve: (r) => r.sent }),
    failed: t.field({ type: [FailedGroupInvite], nullable: false, resolve: (r) => r.failed }),
  }),
});

builder.mutationField('sendGroupInviteLink', (t) =>
  t.field({
    type: SendGroupInviteLinkPayload,
    nullable: false,
    description:
      'Sends the group\'s invite link to people: one template message each (`POST /{phone-number-id}/messages`, `recipient_type: individual`) whose body parameter `{"type":"group_id"}` Meta turns into the link. ' +
      'n people = n upstream requests, a few at a time (INVITE_SEND_CONCURRENCY). A send that fails is a `failed` entry with its code and never stops the others; nothing is retried.',
    args: { input: t.arg({ type: SendGroupInviteLinkInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const phoneNumberId = assertPhoneNumberId(String(input.phoneNumberId));
      const groupId = assertGroupId(String(input.groupId));
      const to = checkRecipients(input.to);
      const { name, language } = checkTemplate(input.template, 'template');
      const outcome = await sendInviteLinks(context.graph.messageSender, {
        phoneNumberId,
        groupId,
        to,
        template: { name, languageCode: language.code },
        concurrency: context.graph.inviteSendConcurrency,
      });
      return { groupId, ...outcome };
    },
  }),
);

/** 1..50 distinct phone numbers, wa_ids or BSUIDs: every problem in one BAD_USER_INPUT. */
function checkRecipients(to: readonly string[]): string[] {
  const problems: string[] = [];
  if (to.length === 0 || to.length > MAX_INVITE_RECIPIENTS) problems.push(`give 1 to ${MAX_INVITE_RECIPIENTS} people in \`to\`; got ${to.length}`);
  const seen = new Set<string>();
  to.slice(0, MAX_INVITE_RECIPIENTS + 1).forEach((person, index) => {
    if (person.length > MAX_RECIPIENT_LENGTH || !(/^\+?[0-9]{1,32}$/.test(person) || /^[A-Z]{2}\.[A-Za-z0-9]+$/.test(person))) {
      problems.push(`to[${index}] is not a phone number (+ and digits), a wa_id (digits) or a BSUID (e.g. US.13491208655302741918)`);
    } else if (seen.has(person.replace(/^\+/, ''))) {
      problems.push(`to[${index}] repeats ${person}: each person once`);
    }
    seen.add(person.replace(/^\+/, ''));
  });
  if (problems.length > 0) throw new GatewayError('BAD_USER_INPUT', `Invalid invite: ${problems.join('; ')}`);
  return [...to];
}
