import type { GraphParticipant } from '../graph/types.js';

/** The GraphQL type each webhook item becomes (one `groups[]` item, one event). */
export const GROUP_EVENT_KINDS = [
  'GroupCreated',
  'GroupCreationFailed',
  'GroupDeleted',
  'GroupDeletionFailed',
  'GroupSettingsUpdated',
  'GroupParticipantsAdded',
  'GroupParticipantsRemoved',
  'GroupJoinRequestCreated',
  'GroupJoinRequestRevoked',
  'GroupSuspended',
  'GroupSuspensionCleared',
  'GroupMessageReceived',
  'GroupMessageStatusChanged',
] as const;
export type GroupEventKind = (typeof GROUP_EVENT_KINDS)[number];

/** Who wrote a message, or whom a status is about: a `wa_id`, a business-scoped user id, a profile name. */
export interface MessagePerson {
  waId?: string;
  userId?: string;
  name?: string;
}

/** The media of an inbound message (`image`, `video`, `audio`, `document`, `sticker` objects of the webhook). */
export interface ReceivedMediaData {
  id: string;
  mimeType?: string;
  sha256?: string;
  caption?: string;
  filename?: string;
}

/** GroupMessageType's values. */
export const GROUP_MESSAGE_TYPES = ['TEXT', 'IMAGE', 'VIDEO', 'AUDIO', 'DOCUMENT', 'STICKER', 'LOCATION', 'CONTACTS', 'REACTION', 'UNSUPPORTED', 'OTHER'] as const;
export type GroupMessageTypeName = (typeof GROUP_MESSAGE_TYPES)[number];
/** GroupMessageStatus's values. */
export const GROUP_MESSAGE_STATUSES = ['SENT', 'DELIVERED', 'READ', 'PLAYED', 'FAILED'] as const;
export type GroupMessageStatusName = (typeof GROUP_MESSAGE_STATUSES)[number];

/** One entry of a webhook item's `errors[]`. */
export interface EventError {
  code?: number;
  message: string;
  title?: string;
  details?: string;
}

export interface SettingChange {
  text?: string;
  updateSuccessful: boolean;
  errors: EventError[];
}

export interface PictureChange {
  mimeType?: string;
  sha256?: string;
  updateSuccessful: boolean;
  errors: EventError[];
}

export interface FailedParticipantData {
  participant: string;
  code?: number;
  message: string;
}

/**
 * A group event as stored and published: plain JSON (it crosses Redis), one shape for every kind,
 * the kind-specific fields present only on their kind.
 */
export interface GroupEventData {
  kind: GroupEventKind;
  /** Absent only for a creation that failed. */
  groupId?: string;
  phoneNumberId: string;
  requestId?: string;
  /** ISO 8601, from the item's `timestamp` (Unix seconds). */
  occurredAt?: string;
  errors: EventError[];
  // GroupCreated
  subject?: string;
  description?: string;
  inviteLink?: string;
  joinApprovalMode?: string;
  // GroupSettingsUpdated
  subjectChange?: SettingChange;
  descriptionChange?: SettingChange;
  pictureChange?: PictureChange;
  // GroupParticipantsAdded / Removed
  participants?: GraphParticipant[];
  reason?: string;
  removedParticipants?: GraphParticipant[];
  failedParticipants?: FailedParticipantData[];
  initiatedBy?: string;
  // GroupJoinRequestCreated / Revoked
  joinRequestId?: string;
  waId?: string;
  userId?: string;
  // GroupMessageReceived / GroupMessageStatusChanged
  messageId?: string;
  from?: MessagePerson;
  messageType?: GroupMessageTypeName;
  text?: string;
  media?: ReceivedMediaData;
  replyToMessageId?: string;
  status?: GroupMessageStatusName;
  /** Absent when the status is about the group as a whole. */
  participant?: MessagePerson;
}

export interface GroupEvent extends GroupEventData {
  /** Increasing: `<milliseconds>-<sequence>`, the shape of a Redis stream id. */
  eventId: string;
}

const EVENT_ID = /^(\d{1,16})-(\d{1,16})$/;

/** Whether `value` looks like an event id (what `after` must be). */
export function isEventId(value: string): boolean {
  return EVENT_ID.test(value);
}

/** Orders event ids: negative when `a` came first. Both must pass isEventId. */
export function compareEventIds(a: string, b: string): number {
  const [, aMs = '0', aSeq = '0'] = EVENT_ID.exec(a) ?? [];
  const [, bMs = '0', bSeq = '0'] = EVENT_ID.exec(b) ?? [];
  return Number(aMs) - Number(bMs) || Number(aSeq) - Number(bSeq);
}

/**
 * An event read back from a store (JSON text), or undefined when it is not one: not JSON, not an
 * object, an unknown kind, or a field the resolvers rely on of the wrong type. Never throws.
 */
export function parseGroupEventData(json: unknown): GroupEventData | undefined {
  if (typeof json !== 'string') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const event = value as Record<string, unknown>;
  const optionalText = (key: string) => event[key] === undefined || typeof event[key] === 'string';
  const valid =
    (GROUP_EVENT_KINDS as readonly unknown[]).includes(event.kind) &&
    typeof event.phoneNumberId === 'string' &&
    Array.isArray(event.errors) &&
    optionalText('groupId') &&
    optionalText('requestId') &&
    optionalText('occurredAt') &&
    !('eventId' in event);
  return valid ? (event as unknown as GroupEventData) : undefined;
}
