import type { GraphParticipant } from '../graph/types.js';
import type { GroupChange } from './group-change.js';
import { eventFromMessageChange } from './from-message-webhook.js';
import type { EventError, FailedParticipantData, GroupEventData, GroupEventKind, PictureChange, SettingChange } from './group-event.js';
import { assign, isItem, isoTime, text, type Item } from './webhook-values.js';


/**
 * One webhook `groups[]` item as a typed event (item shapes: Meta's "Webhooks for Groups API").
 * Returns undefined for an item type this gateway does not know yet: it is acknowledged, not published.
 */
export function eventFromChange({ field, phoneNumberId, item }: GroupChange): GroupEventData | undefined {
  if (field === 'messages') return eventFromMessageChange(phoneNumberId, item, errorsOf);
  const type = text(item.type);
  const kind = kindOf(field, type, item);
  if (!kind) return undefined;
  const event: GroupEventData = { kind, phoneNumberId, errors: errorsOf(item.errors) };
  assign(event, 'groupId', text(item.group_id));
  assign(event, 'requestId', text(item.request_id));
  assign(event, 'occurredAt', isoTime(item.timestamp));

  switch (kind) {
    case 'GroupCreated':
      assign(event, 'subject', text(item.subject));
      assign(event, 'description', text(item.description));
      assign(event, 'inviteLink', text(item.invite_link));
      assign(event, 'joinApprovalMode', text(item.join_approval_mode));
      break;
    case 'GroupSettingsUpdated':
      assign(event, 'subjectChange', settingChange(item.group_subject));
      assign(event, 'descriptionChange', settingChange(item.group_description));
      assign(event, 'pictureChange', pictureChange(item.profile_picture));
      break;
    case 'GroupParticipantsAdded':
      event.participants = participants(item.added_participants);
      assign(event, 'reason', text(item.reason));
      break;
    case 'GroupParticipantsRemoved':
      event.removedParticipants = participants(item.removed_participants);
      event.failedParticipants = failedParticipants(item.failed_participants);
      assign(event, 'initiatedBy', text(item.initiated_by));
      break;
    case 'GroupJoinRequestCreated':
    case 'GroupJoinRequestRevoked':
      assign(event, 'joinRequestId', text(item.join_request_id));
      assign(event, 'waId', text(item.wa_id));
      assign(event, 'userId', text(item.user_id));
      assign(event, 'reason', text(item.reason));
      break;
    default:
      break;
  }
  return event;
}

function kindOf(field: GroupChange['field'], type: string | undefined, item: Item): GroupEventKind | undefined {
  const failed = Array.isArray(item.errors) && item.errors.length > 0;
  switch (field) {
    case 'group_lifecycle_update':
      if (type === 'group_create') return failed || !text(item.group_id) ? 'GroupCreationFailed' : 'GroupCreated';
      if (type === 'group_delete') return failed ? 'GroupDeletionFailed' : 'GroupDeleted';
      return undefined;
    case 'group_participants_update':
      if (type === 'group_participants_add') return 'GroupParticipantsAdded';
      if (type === 'group_participants_remove') return 'GroupParticipantsRemoved';
      // A join request event is about nothing without its id.
      if (!text(item.join_request_id)) return undefined;
      if (type === 'group_join_request_created') return 'GroupJoinRequestCreated';
      if (type === 'group_join_request_revoked') return 'GroupJoinRequestRevoked';
      return undefined;
    case 'group_settings_update':
      // Older samples carry no `type` on settings items.
      return type === undefined || type === 'group_settings_update' ? 'GroupSettingsUpdated' : undefined;
    case 'group_status_update':
      if (type === 'group_suspend') return 'GroupSuspended';
      if (type === 'group_suspend_cleared') return 'GroupSuspensionCleared';
      return undefined;
    case 'messages':
      return undefined;
  }
}




function errorsOf(value: unknown): EventError[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isItem).map((e) => {
    const error: EventError = { message: text(e.message) ?? text(e.title) ?? 'Unknown error' };
    if (typeof e.code === 'number' && Number.isInteger(e.code)) error.code = e.code;
    const title = text(e.title);
    if (title !== undefined) error.title = title;
    const details = isItem(e.error_data) ? text(e.error_data.details) : undefined;
    if (details !== undefined) error.details = details;
    return error;
  });
}

function settingChange(value: unknown): SettingChange | undefined {
  if (!isItem(value)) return undefined;
  const change: SettingChange = { updateSuccessful: value.update_successful === true, errors: errorsOf(value.errors) };
  // An empty text is a cleared description, not a missing one.
  if (typeof value.text === 'string') change.text = value.text;
  return change;
}

function pictureChange(value: unknown): PictureChange | undefined {
  if (!isItem(value)) return undefined;
  const change: PictureChange = { updateSuccessful: value.update_successful === true, errors: errorsOf(value.errors) };
  const mimeType = text(value.mime_type);
  if (mimeType !== undefined) change.mimeType = mimeType;
  const sha256 = text(value.sha256);
  if (sha256 !== undefined) change.sha256 = sha256;
  return change;
}

/** `{wa_id}`, `{user_id, username…}`, or `{input}` (what a removal request named: a number or a BSUID). */
function participants(value: unknown): GraphParticipant[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isItem).map((p) => {
    const participant: GraphParticipant = {};
    const input = text(p.input);
    const waId = text(p.wa_id) ?? (input && /^\+?\d+$/.test(input) ? input.replace(/^\+/, '') : undefined);
    const userId = text(p.user_id) ?? (input && !/^\+?\d+$/.test(input) ? input : undefined);
    if (waId !== undefined) participant.wa_id = waId;
    if (userId !== undefined) participant.user_id = userId;
    const parentUserId = text(p.parent_user_id);
    if (parentUserId !== undefined) participant.parent_user_id = parentUserId;
    const username = text(p.username);
    if (username !== undefined) participant.username = username;
    return participant;
  });
}

function failedParticipants(value: unknown): FailedParticipantData[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isItem).map((p) => {
    const [first] = errorsOf(p.errors);
    const failed: FailedParticipantData = {
      participant: text(p.input) ?? text(p.wa_id) ?? text(p.user_id) ?? '',
      message: first?.message ?? 'Not removed',
    };
    if (first?.code !== undefined) failed.code = first.code;
    return failed;
  });
}

