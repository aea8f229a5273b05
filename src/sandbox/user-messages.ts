/**
 * What WhatsApp users write, simulated for tests and demos (admin API only): a member writes
 * into a group, or a person writes to the business 1:1. Either opens that person's 24-hour
 * customer service window (a member's message opens the group's too: Groups pricing page) and
 * sends the `messages` webhook Meta would (Group messaging: inbound group messages carry
 * `group_id`; types Cloud API cannot show arrive as `type: "unsupported"` with error 130501).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { GraphContext } from './graph-call.js';
import { contactOf, now } from './message-webhooks.js';
import { identifies, type Participant } from './participants.js';
import { UserActionRefused } from './user-actions.js';

type Effects = Pick<GraphContext, 'store' | 'webhooks' | 'messages' | 'media'>;

export interface UserMessage {
  /** The group written in; without it, a 1:1 message to `phoneNumberId`. */
  groupId?: string | undefined;
  phoneNumberId?: string | undefined;
  /** A wa_id, `+` phone number or BSUID; in a group, one of its members. */
  from: string;
  /** Display name in `contacts[].profile.name` (default: a made-up one). */
  name?: string | undefined;
  type: 'text' | 'image' | 'unsupported';
  text?: string | undefined;
  caption?: string | undefined;
  /** A message id the user replies to. */
  replyTo?: string | undefined;
}

/** Meta's sample for inbound types it cannot show (Group messaging). */
export const UNSUPPORTED_ERROR = {
  code: 130501,
  message: 'Message type is not currently supported',
  title: 'Unsupported message type',
  error_data: { details: 'Message type is currently not supported.' },
};

const BSUID = /^[A-Z]{2}\.[A-Za-z0-9]+$/;

export function writeMessage(fx: Effects, input: UserMessage): { messageId: string; phoneNumberId: string } {
  const { phoneNumberId, sender } = resolveSender(fx, input);
  if (input.type === 'text' && (input.text === undefined || input.text.length === 0)) {
    throw new UserActionRefused(409, 'a text message needs text');
  }
  const id = fx.messages.newId();
  fx.messages.add({
    id, phoneNumberId, direction: 'inbound', pinnable: input.groupId !== undefined, at: Date.now(),
    ...(input.groupId !== undefined && { groupId: input.groupId }),
    ...(input.replyTo !== undefined && { replyTo: input.replyTo }),
  });
  for (const who of [sender.waId, sender.userId]) if (who !== undefined) fx.messages.openWindow(phoneNumberId, who);
  if (input.groupId !== undefined) fx.messages.openWindow(phoneNumberId, `group:${input.groupId}`);

  const message: Record<string, unknown> = {
    ...(sender.waId !== undefined && { from: sender.waId }),
    ...(sender.userId !== undefined && { from_user_id: sender.userId }),
    ...(input.groupId !== undefined && { group_id: input.groupId }),
    id,
    timestamp: now(),
    // ASSUMPTION: a reply carries `context.id` only (Meta's 1:1 replies add the quoted sender as `from`).
    ...(input.replyTo !== undefined && { context: { id: input.replyTo } }),
    type: input.type,
    ...content(fx, phoneNumberId, input),
  };
  fx.webhooks.notify('messages', phoneNumberId, { contacts: [contactOf({ ...sender, ...(input.name !== undefined && { name: input.name }) })], messages: [message] });
  return { messageId: id, phoneNumberId };
}

/** Marks someone as unreachable (sends to them fail with 131026) or reachable again. */
export function setUndeliverable(fx: Effects, user: string, undeliverable: boolean): void {
  fx.messages.setUndeliverable(user, undeliverable);
}

function content(fx: Effects, phoneNumberId: string, input: UserMessage): Record<string, unknown> {
  switch (input.type) {
    case 'text':
      return { text: { body: input.text } };
    case 'image': {
      // ASSUMPTION: a made-up JPEG the business could download by id (its bytes are not kept).
      const sha256 = createHash('sha256').update(randomBytes(32)).digest('hex');
      const media = fx.media.add({ phoneNumberId, mimeType: 'image/jpeg', size: 48_213, sha256 });
      return { image: { id: media.id, mime_type: media.mimeType, sha256, ...(input.caption !== undefined && { caption: input.caption }) } };
    }
    case 'unsupported':
      return { errors: [UNSUPPORTED_ERROR] };
  }
}

function resolveSender(fx: Effects, input: UserMessage): { phoneNumberId: string; sender: Participant } {
  if (input.groupId !== undefined) {
    const group = fx.store.get(input.groupId);
    if (!group) throw new UserActionRefused(404, `no group ${input.groupId}`);
    if (group.suspended) throw new UserActionRefused(409, 'the group is suspended');
    const member = group.participants.find((p) => identifies(input.from, p));
    if (!member) throw new UserActionRefused(409, `${input.from} is not a participant of this group`);
    return { phoneNumberId: group.phoneNumberId, sender: member };
  }
  if (input.phoneNumberId === undefined) throw new UserActionRefused(409, 'give groupId, or phoneNumberId for a 1:1 message');
  if (!fx.store.phoneNumber(input.phoneNumberId)) throw new UserActionRefused(404, `no phone number ${input.phoneNumberId}`);
  const sender: Participant = BSUID.test(input.from) ? { userId: input.from } : { waId: input.from.replace(/^\+/, '') };
  return { phoneNumberId: input.phoneNumberId, sender };
}
