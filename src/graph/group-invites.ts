import { GatewayError, type ErrorCode } from '../errors.js';
import type { MessageSender } from './message-sends.js';

export interface InviteOutcome {
  sent: { to: string; messageId: string }[];
  failed: { to: string; code: ErrorCode; message: string }[];
}

/**
 * A group's invite link sent to each person as its own template message (the Graph API has no
 * multi-recipient send). At most `concurrency` sends are in flight at once, so one invite to 50
 * people takes a few of the token's upstream slots, not all of them (the client's ConcurrencyLimit
 * keeps it fair between tokens on top). A failed send is that person's `failed` entry with its
 * gateway code; the others go on. Nothing is retried. `sent` and `failed` keep the order of `to`.
 */
export async function sendInviteLinks(
  sender: MessageSender,
  { phoneNumberId, groupId, to, template, concurrency }: {
    phoneNumberId: string;
    groupId: string;
    to: readonly string[];
    template: { name: string; languageCode: string };
    concurrency: number;
  },
): Promise<InviteOutcome> {
  const outcomes: ({ messageId: string } | { code: ErrorCode; message: string })[] = new Array(to.length);
  let next = 0;
  const worker = async () => {
    while (next < to.length) {
      const index = next++;
      try {
        outcomes[index] = { messageId: await sender.sendInviteLink(phoneNumberId, groupId, to[index]!, template) };
      } catch (error) {
        // A fault of the gateway's own is not this person's: it fails the whole operation (masked, logged).
        if (!(error instanceof GatewayError)) throw error;
        outcomes[index] = { code: error.code, message: error.message };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, to.length)) }, worker));
  const result: InviteOutcome = { sent: [], failed: [] };
  outcomes.forEach((outcome, index) => {
    if ('messageId' in outcome) result.sent.push({ to: to[index]!, messageId: outcome.messageId });
    else result.failed.push({ to: to[index]!, ...outcome });
  });
  return result;
}
