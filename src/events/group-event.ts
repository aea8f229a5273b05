import type { GraphParticipant } from '../graph/types.js';

/** The GraphQL type each webhook item becomes (one `groups[]` item, one event). */
export type GroupEventKind =
  | 'GroupCreated'
  | 'GroupCreationFailed'
  | 'GroupDeleted'
  | 'GroupDeletionFailed'
  | 'GroupSettingsUpdated'
  | 'GroupParticipantsAdded'
  | 'GroupParticipantsRemoved'
  | 'GroupJoinRequestCreated'
  | 'GroupJoinRequestRevoked'
  | 'GroupSuspended'
  | 'GroupSuspensionCleared';

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
