import { builder } from './builder.js';

/** One participant a removal did not apply to, with the Graph error that says why. */
export interface FailedParticipant {
  participant: string;
  code?: number | undefined;
  message: string;
}

export const FailedGroupParticipantRef = builder.objectRef<FailedParticipant>('FailedGroupParticipant').implement({
  description: 'A participant the removal did not apply to, and why.',
  fields: (t) => ({
    participant: t.exposeString('participant', { description: 'The participant as sent: phone number, wa_id or BSUID.' }),
    code: t.int({ nullable: true, description: 'The Graph API error code, when one was given.', resolve: (p) => p.code ?? null }),
    message: t.exposeString('message', { description: 'Why this participant was not removed.' }),
  }),
});
