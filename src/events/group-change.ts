/**
 * What the events module is told of a webhook: one `groups[]` item and where it came from. The
 * webhook route (webhooks/) parses Meta's envelope into these; events/ never reads the envelope.
 */

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
