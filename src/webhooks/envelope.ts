/** The four webhook fields of the Groups API; with `messages` (group messages and their statuses), the fields read. Others are accepted and ignored. */
export const GROUP_FIELDS = ['group_lifecycle_update', 'group_participants_update', 'group_settings_update', 'group_status_update'] as const;
export type GroupField = (typeof GROUP_FIELDS)[number] | 'messages';

/**
 * One `groups[]` item of one change, with what identifies where it came from. For the `messages`
 * field, the item is `{message}` (an inbound message with a `group_id`) or `{status}` (one entry of
 * `statuses[]` with `recipient_type: group`), with `contact`: the `contacts[]` entry of its sender
 * or participant, when the webhook has one.
 */
export interface GroupChange {
  field: GroupField;
  phoneNumberId: string;
  item: Record<string, unknown>;
}

/**
 * Meta's envelope: `{"object":"whatsapp_business_account","entry":[{"id","changes":[{"field",
 * "value":{"metadata":{"phone_number_id"},"groups":[…]}}]}]}`
 * (https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/reference). Returns the group
 * items in order; changes of other fields (messages, statuses), and anything malformed inside an
 * otherwise valid envelope, are skipped rather than refused: Meta would only send them again.
 */
export function groupChangesOf(body: unknown): GroupChange[] {
  const changes: GroupChange[] = [];
  for (const entry of arrayAt(body, 'entry')) {
    for (const change of arrayAt(entry, 'changes')) {
      const field = stringAt(change, 'field');
      const value = objectAt(change, 'value');
      const phoneNumberId = stringAt(objectAt(value, 'metadata'), 'phone_number_id');
      if (phoneNumberId === undefined) continue;
      if (field === 'messages') {
        changes.push(...groupMessageChanges(value, phoneNumberId));
        continue;
      }
      if (!isGroupField(field)) continue;
      for (const item of arrayAt(value, 'groups')) {
        if (isObject(item)) changes.push({ field, phoneNumberId, item });
      }
    }
  }
  return changes;
}

/**
 * The groups these changes say changed (a creation that failed names none). Messages and their
 * statuses change no group data: they name none.
 */
export function groupIdsOf(changes: readonly GroupChange[]): string[] {
  const ids = changes.filter(({ field }) => field !== 'messages').map(({ item }) => stringAt(item, 'group_id'));
  return [...new Set(ids.filter((id): id is string => id !== undefined))];
}

/**
 * The group part of a `messages` change (Meta, "Webhooks for Groups API"): inbound messages that
 * carry `group_id`, and statuses with `recipient_type: group` (one entry per participant and
 * status). Messages and statuses of one-to-one chats are not group events and are skipped.
 */
function groupMessageChanges(value: Record<string, unknown> | undefined, phoneNumberId: string): GroupChange[] {
  const contacts = arrayAt(value, 'contacts').filter(isObject);
  const changes: GroupChange[] = [];
  for (const message of arrayAt(value, 'messages')) {
    if (!isObject(message) || stringAt(message, 'group_id') === undefined) continue;
    const contact = contactOf(contacts, [stringAt(message, 'from')], [stringAt(message, 'from_user_id')]);
    changes.push({ field: 'messages', phoneNumberId, item: { message, ...(contact ? { contact } : {}) } });
  }
  for (const status of arrayAt(value, 'statuses')) {
    if (!isObject(status) || status.recipient_type !== 'group' || stringAt(status, 'recipient_id') === undefined) continue;
    const contact = contactOf(
      contacts,
      [stringAt(status, 'recipient_participant_id'), stringAt(status, 'participant_recipient_id')],
      [stringAt(status, 'recipient_participant_user_id')],
    );
    changes.push({ field: 'messages', phoneNumberId, item: { status, ...(contact ? { contact } : {}) } });
  }
  return changes;
}

/** The `contacts[]` entry whose `wa_id` or `user_id` names this person; none when nothing names them. */
function contactOf(contacts: Record<string, unknown>[], waIds: (string | undefined)[], userIds: (string | undefined)[]): Record<string, unknown> | undefined {
  return contacts.find((c) => {
    const waId = stringAt(c, 'wa_id');
    const userId = stringAt(c, 'user_id');
    return (waId !== undefined && waIds.includes(waId)) || (userId !== undefined && userIds.includes(userId));
  });
}

function isGroupField(field: string | undefined): field is GroupField {
  return (GROUP_FIELDS as readonly (string | undefined)[]).includes(field);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectAt(value: unknown, key: string): Record<string, unknown> | undefined {
  const found = isObject(value) ? value[key] : undefined;
  return isObject(found) ? found : undefined;
}

function arrayAt(value: unknown, key: string): unknown[] {
  const found = isObject(value) ? value[key] : undefined;
  return Array.isArray(found) ? found : [];
}

function stringAt(value: unknown, key: string): string | undefined {
  const found = isObject(value) ? value[key] : undefined;
  return typeof found === 'string' && found !== '' ? found : typeof found === 'number' ? String(found) : undefined;
}
