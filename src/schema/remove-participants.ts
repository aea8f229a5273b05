import { GatewayError } from '../errors.js';
import { builder } from './builder.js';
import { FailedGroupParticipantRef, type FailedParticipant } from './failed-group-participant.js';
import { GroupRef, partialGroup } from './group.js';
import { assertGroupId } from './group-id.js';

/** Meta's reference: 1 to 8 participants per removal. */
export const MAX_PARTICIPANTS_PER_REMOVAL = 8;
/** A sanity bound on one participant string, not a rule of Meta's (BSUID lengths are not fixed). */
const MAX_PARTICIPANT_LENGTH = 512;

interface RemovalResult {
  id: string;
  requestId: string | undefined;
  removed: string[];
  failed: FailedParticipant[];
}

const RemoveGroupParticipantsInput = builder.inputType('RemoveGroupParticipantsInput', {
  description: 'The group and the participants to remove from it.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'The group id.' }),
    participants: t.stringList({
      required: true,
      description: `1 to ${MAX_PARTICIPANTS_PER_REMOVAL} distinct participants, each a phone number (\`+\` and digits), a wa_id (digits) or a business-scoped user id (BSUID: a country code, a dot, letters and digits, e.g. \`US.13491208655302741918\`).`,
    }),
  }),
});

const RemoveGroupParticipantsPayload = builder.objectRef<RemovalResult>('RemoveGroupParticipantsPayload').implement({
  description: 'The outcome of `removeGroupParticipants`: who was removed and who was not, and why.',
  fields: (t) => ({
    success: t.boolean({ nullable: false, description: 'True when every participant was removed.', resolve: (r) => r.failed.length === 0 }),
    requestId: t.string({ description: 'The Graph API\'s `request_id`, where it answered with one.', resolve: (r) => r.requestId ?? null }),
    removedParticipants: t.stringList({ nullable: false, description: 'The participants removed, as sent.', resolve: (r) => r.removed }),
    failedParticipants: t.field({ type: [FailedGroupParticipantRef], nullable: false, description: 'The participants not removed, each with the Graph error.', resolve: (r) => r.failed }),
    group: t.field({ type: GroupRef, description: 'The group after the removal; its fields are read when selected.', resolve: (r) => partialGroup({ id: r.id }, ['id']) }),
  }),
});

builder.mutationField('removeGroupParticipants', (t) =>
  t.field({
    type: RemoveGroupParticipantsPayload,
    nullable: false,
    description:
      'Removes participants: `DELETE /{group-id}/participants` (Meta, "Group management", remove participants). A removed user cannot rejoin by the invite link. ' +
      'Errors about the participants (131201 partial success, 131202 duplicate, 131212 not in the group) come back in the payload; other errors are GraphQL errors. Never retried.',
    args: { input: t.arg({ type: RemoveGroupParticipantsInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const id = assertGroupId(String(input.id));
      const participants = checkParticipants(input.participants);
      // The writer drops the group from this request's reads and from the group cache.
      const outcome = await context.graph.lifecycleWriter.removeParticipants(id, participants);
      return {
        id,
        requestId: outcome.requestId,
        removed: outcome.removed,
        failed: outcome.failed.map((f) => ({ participant: f.item, code: f.code, message: f.message })),
      };
    },
  }),
);

/** Every problem in one BAD_USER_INPUT, before any upstream call. */
function checkParticipants(participants: readonly string[]): string[] {
  const problems: string[] = [];
  if (participants.length === 0 || participants.length > MAX_PARTICIPANTS_PER_REMOVAL) {
    problems.push(`give 1 to ${MAX_PARTICIPANTS_PER_REMOVAL} participants; got ${participants.length}`);
  }
  const seen = new Set<string>();
  participants.slice(0, 50).forEach((participant, index) => {
    if (!isParticipant(participant)) {
      problems.push(`participants[${index}] is not a phone number (+ and digits), a wa_id (digits) or a BSUID (e.g. US.13491208655302741918)`);
    } else if (seen.has(person(participant))) {
      problems.push(`participants[${index}] repeats ${participant}: each participant once (a phone number and its wa_id are the same person)`);
    }
    seen.add(person(participant));
  });
  if (problems.length > 0) throw new GatewayError('BAD_USER_INPUT', `Invalid participants: ${problems.join('; ')}`);
  return [...participants];
}

/** `+15551234567` and `15551234567` name the same person. */
function person(participant: string): string {
  return participant.replace(/^\+/, '');
}

function isParticipant(value: string): boolean {
  if (value.length > MAX_PARTICIPANT_LENGTH) return false;
  // A phone number or wa_id; or a BSUID: ISO country code, a dot, letters and digits (its length is not fixed).
  return /^\+?[0-9]{1,32}$/.test(value) || /^[A-Z]{2}\.[A-Za-z0-9]+$/.test(value);
}
