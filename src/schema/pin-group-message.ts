import { GatewayError } from '../errors.js';
import type { PinChange } from '../graph/message-sends.js';
import { builder } from './builder.js';
import { assertGroupId } from './group-id.js';
import { assertMessageId } from './message-id.js';
import { assertPhoneNumberId } from './phone-number-id.js';

/** Meta: a pin lasts 1 to 30 days. */
export const MAX_PIN_DAYS = 30;

const PinGroupMessageInput = builder.inputType('PinGroupMessageInput', {
  description: 'The group message to pin, and for how long.',
  fields: (t) => ({
    phoneNumberId: t.id({ required: true, description: 'The business phone number id (digits) the group belongs to (an admin of it).' }),
    groupId: t.id({ required: true }),
    messageId: t.id({ required: true, description: 'The message to pin (`wamid.…`).' }),
    expirationDays: t.int({ required: true, description: `1 to ${MAX_PIN_DAYS} days.` }),
  }),
});

const UnpinGroupMessageInput = builder.inputType('UnpinGroupMessageInput', {
  description: 'The pinned group message to unpin.',
  fields: (t) => ({
    phoneNumberId: t.id({ required: true, description: 'The business phone number id (digits) the group belongs to (an admin of it).' }),
    groupId: t.id({ required: true }),
    messageId: t.id({ required: true, description: 'The pinned message (`wamid.…`).' }),
  }),
});

interface PinResult {
  messageId: string;
  groupId: string;
}

const PinGroupMessagePayload = builder.objectRef<PinResult>('PinGroupMessagePayload').implement({
  description: 'The message pinned or unpinned.',
  fields: (t) => ({
    messageId: t.exposeID('messageId', { nullable: false, description: 'The message pinned or unpinned (as given).' }),
    groupId: t.exposeID('groupId', { nullable: false }),
  }),
});

/** One upstream request: `POST /{phone-number-id}/messages` with `type: pin`. Never retried. */
async function changePin(
  input: { phoneNumberId: string | number; groupId: string | number; messageId: string | number },
  pin: Omit<PinChange, 'message_id'>,
  send: (phoneNumberId: string, groupId: string, pin: PinChange) => Promise<string>,
): Promise<PinResult> {
  const phoneNumberId = assertPhoneNumberId(String(input.phoneNumberId));
  const groupId = assertGroupId(String(input.groupId));
  const messageId = assertMessageId(String(input.messageId));
  await send(phoneNumberId, groupId, { ...pin, message_id: messageId });
  return { messageId, groupId };
}

builder.mutationField('pinGroupMessage', (t) =>
  t.field({
    type: PinGroupMessagePayload,
    nullable: false,
    description:
      'Pins a group message for 1 to 30 days: `POST /{phone-number-id}/messages` with `type: pin` (admin only). A group has at most 3 pinned messages: pinning a fourth unpins the oldest. One upstream request, never retried.',
    args: { input: t.arg({ type: PinGroupMessageInput, required: true }) },
    resolve: (_root, { input }, context) => {
      const days = input.expirationDays;
      if (!Number.isInteger(days) || days < 1 || days > MAX_PIN_DAYS) {
        throw new GatewayError('BAD_USER_INPUT', `expirationDays is ${days}: a pin lasts 1 to ${MAX_PIN_DAYS} days`);
      }
      const sender = context.graph.messageSender;
      return changePin(input, { type: 'pin', expiration_days: days }, (p, g, pin) => sender.changePin(p, g, pin));
    },
  }),
);

builder.mutationField('unpinGroupMessage', (t) =>
  t.field({
    type: PinGroupMessagePayload,
    nullable: false,
    description: 'Unpins a group message: `POST /{phone-number-id}/messages` with `type: pin`, `pin.type: unpin` (admin only). One upstream request, never retried.',
    args: { input: t.arg({ type: UnpinGroupMessageInput, required: true }) },
    resolve: (_root, { input }, context) => {
      const sender = context.graph.messageSender;
      return changePin(input, { type: 'unpin' }, (p, g, pin) => sender.changePin(p, g, pin));
    },
  }),
);
