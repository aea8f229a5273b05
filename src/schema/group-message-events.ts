import { GROUP_MESSAGE_STATUSES, GROUP_MESSAGE_TYPES, type GroupEvent, type MessagePerson, type ReceivedMediaData } from '../events/group-event.js';
import { builder } from './builder.js';
import { GroupEventRef } from './group-events.js';

const GroupMessageType = builder.enumType('GroupMessageType', {
  description: 'What an inbound group message is (the webhook message\'s `type`).',
  values: Object.fromEntries(GROUP_MESSAGE_TYPES.map((value) => [value, {
    description: value === 'UNSUPPORTED' ? 'A type the Cloud API cannot deliver (error 130501 in `errors`).' : value === 'OTHER' ? 'A type this gateway does not name yet.' : undefined,
  }])) as Record<(typeof GROUP_MESSAGE_TYPES)[number], { description: string | undefined }>,
});

const GroupMessageStatus = builder.enumType('GroupMessageStatus', {
  description: 'Where a sent message is: SENT to the group, then DELIVERED, READ (or PLAYED, for voice) per participant; READ may come without DELIVERED. FAILED carries `errors`.',
  values: GROUP_MESSAGE_STATUSES,
});

const GroupMessageSender = builder.objectRef<MessagePerson>('GroupMessageSender').implement({
  description: 'A group member, as the webhook names them: a phone number\'s wa_id, a business-scoped user id, or both; the profile name when the webhook has it.',
  fields: (t) => ({
    waId: t.string({ description: 'The WhatsApp id (digits of the phone number), when the webhook gives it.', resolve: (p) => p.waId ?? null }),
    userId: t.string({ description: 'The business-scoped user id (BSUID, e.g. `US.13491208655302741918`).', resolve: (p) => p.userId ?? null }),
    name: t.string({ description: 'The profile name (`contacts[].profile.name`).', resolve: (p) => p.name ?? null }),
  }),
});

const ReceivedMedia = builder.objectRef<ReceivedMediaData>('ReceivedMedia').implement({
  description: 'The media of an inbound message; download it with `GET /{media-id}` (Cloud API "Media").',
  fields: (t) => ({
    id: t.exposeID('id', { nullable: false, description: 'The media id.' }),
    mimeType: t.string({ resolve: (m) => m.mimeType ?? null }),
    sha256: t.string({ resolve: (m) => m.sha256 ?? null }),
    caption: t.string({ resolve: (m) => m.caption ?? null }),
    filename: t.string({ description: 'Documents only.', resolve: (m) => m.filename ?? null }),
  }),
});

builder.objectRef<GroupEvent>('GroupMessageReceived').implement({
  description: 'A member wrote in the group (`messages` webhook, a message with `group_id`).',
  interfaces: [GroupEventRef],
  fields: (t) => ({
    messageId: t.id({ nullable: false, description: 'The message id (`wamid.…`): reply to it with `replyToMessageId`.', resolve: (e) => e.messageId ?? '' }),
    from: t.field({ type: GroupMessageSender, nullable: false, description: 'Who wrote it.', resolve: (e) => e.from ?? {} }),
    type: t.field({ type: GroupMessageType, nullable: false, resolve: (e) => e.messageType ?? 'OTHER' }),
    text: t.string({ description: 'The body of a TEXT message.', resolve: (e) => e.text ?? null }),
    media: t.field({ type: ReceivedMedia, description: 'The media of an IMAGE, VIDEO, AUDIO, DOCUMENT or STICKER message.', resolve: (e) => e.media ?? null }),
    replyToMessageId: t.id({ description: 'The message this one replies to.', resolve: (e) => e.replyToMessageId ?? null }),
  }),
});

builder.objectRef<GroupEvent>('GroupMessageStatusChanged').implement({
  description: 'A status of a message sent to the group (`messages` webhook, `statuses[]` with `recipient_type: group`): one event per participant and status.',
  interfaces: [GroupEventRef],
  fields: (t) => ({
    messageId: t.id({ nullable: false, description: 'The message (`messageId` of `sendGroupMessage`).', resolve: (e) => e.messageId ?? '' }),
    status: t.field({ type: GroupMessageStatus, nullable: false, resolve: (e) => e.status ?? 'SENT' }),
    participant: t.field({
      type: GroupMessageSender,
      description: 'The member this status is about; null when it is about the group as a whole (SENT, a FAILED send).',
      resolve: (e) => e.participant ?? null,
    }),
  }),
});
