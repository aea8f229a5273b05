import type { EventError, GroupEventData, GroupMessageStatusName, GroupMessageTypeName, MessagePerson, ReceivedMediaData } from './group-event.js';
import { assign, isItem, isoTime, text, type Item } from './webhook-values.js';


/** Inbound message types with a media object of the same name. */
const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'document', 'sticker']);
const NAMED_TYPES: Record<string, GroupMessageTypeName> = {
  text: 'TEXT',
  image: 'IMAGE',
  video: 'VIDEO',
  audio: 'AUDIO',
  document: 'DOCUMENT',
  sticker: 'STICKER',
  location: 'LOCATION',
  contacts: 'CONTACTS',
  reaction: 'REACTION',
  unsupported: 'UNSUPPORTED',
};
const STATUSES: Record<string, GroupMessageStatusName> = { sent: 'SENT', delivered: 'DELIVERED', read: 'READ', played: 'PLAYED', failed: 'FAILED' };

/**
 * One `messages` change (envelope.ts: `{message, contact?}` or `{status, contact?}`) as a typed
 * event (shapes: Meta's "Webhooks for Groups API", group messages and statuses). Undefined for a
 * status this gateway does not know (`deleted`, `warning`…): acknowledged, not published.
 */
export function eventFromMessageChange(phoneNumberId: string, item: Item, errorsOf: (value: unknown) => EventError[]): GroupEventData | undefined {
  const contact = isItem(item.contact) ? item.contact : undefined;
  if (isItem(item.message)) return receivedEvent(phoneNumberId, item.message, contact, errorsOf);
  if (isItem(item.status)) return statusEvent(phoneNumberId, item.status, contact, errorsOf);
  return undefined;
}

function receivedEvent(phoneNumberId: string, message: Item, contact: Item | undefined, errorsOf: (value: unknown) => EventError[]): GroupEventData | undefined {
  const messageId = text(message.id);
  const groupId = text(message.group_id);
  if (!messageId || !groupId) return undefined;
  const type = text(message.type) ?? '';
  const event: GroupEventData = {
    kind: 'GroupMessageReceived',
    groupId,
    phoneNumberId,
    errors: errorsOf(message.errors),
    messageId,
    messageType: NAMED_TYPES[type] ?? 'OTHER',
    from: person(
      text(message.from) ?? text(contact?.wa_id),
      text(message.from_user_id) ?? text(contact?.user_id),
      contact,
    ),
  };
  assign(event, 'occurredAt', isoTime(message.timestamp));
  if (type === 'text' && isItem(message.text)) assign(event, 'text', text(message.text.body));
  if (MEDIA_TYPES.has(type) && isItem(message[type])) assign(event, 'media', mediaOf(message[type] as Item));
  if (isItem(message.context)) assign(event, 'replyToMessageId', text(message.context.id));
  return event;
}

function statusEvent(phoneNumberId: string, status: Item, contact: Item | undefined, errorsOf: (value: unknown) => EventError[]): GroupEventData | undefined {
  const messageId = text(status.id);
  const groupId = text(status.recipient_id);
  const name = STATUSES[text(status.status) ?? ''];
  if (!messageId || !groupId || !name) return undefined;
  const event: GroupEventData = { kind: 'GroupMessageStatusChanged', groupId, phoneNumberId, errors: errorsOf(status.errors), messageId, status: name };
  assign(event, 'occurredAt', isoTime(status.timestamp));
  // Meta's samples spell the phone both ways; pywa reads the BSUID form. None of them: the status is the group's.
  const waId = text(status.recipient_participant_id) ?? text(status.participant_recipient_id);
  const userId = text(status.recipient_participant_user_id);
  if (waId !== undefined || userId !== undefined) event.participant = person(waId, userId, contact);
  return event;
}

function person(waId: string | undefined, userId: string | undefined, contact: Item | undefined): MessagePerson {
  const found: MessagePerson = {};
  if (waId !== undefined) found.waId = waId;
  if (userId !== undefined) found.userId = userId;
  const name = isItem(contact?.profile) ? text(contact.profile.name) : undefined;
  if (name !== undefined) found.name = name;
  return found;
}

function mediaOf(media: Item): ReceivedMediaData | undefined {
  const id = text(media.id);
  if (!id) return undefined;
  const found: ReceivedMediaData = { id };
  assign(found, 'mimeType', text(media.mime_type));
  assign(found, 'sha256', text(media.sha256));
  assign(found, 'caption', text(media.caption));
  assign(found, 'filename', text(media.filename));
  return found;
}




