/**
 * What the events module is told of a webhook: one `groups[]` item and where it came from. The
 * webhook route (webhooks/) parses Meta's envelope into these; events/ never reads the envelope.
 */

/** The four webhook fields of the Groups API; every other field on the endpoint is accepted and ignored. */
export const GROUP_FIELDS = ['group_lifecycle_update', 'group_participants_update', 'group_settings_update', 'group_status_update'] as const;
export type GroupField = (typeof GROUP_FIELDS)[number];

/** One `groups[]` item of one change, with what identifies where it came from. */
export interface GroupChange {
  field: GroupField;
  phoneNumberId: string;
  item: Record<string, unknown>;
}
