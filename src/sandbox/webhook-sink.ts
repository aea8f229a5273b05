/**
 * Where the sandbox reports what Meta would send by webhook: for the group fields, one `groups[]`
 * item of a change; for `messages`, the change's value itself besides `messaging_product` and
 * `metadata` (`statuses[]`, or `contacts[]` and `messages[]`), since those carry no `groups[]`.
 * The webhooks module delivers them, signed, to the gateway; `noWebhooks` drops them.
 */
export type WebhookField =
  | 'group_lifecycle_update'
  | 'group_participants_update'
  | 'group_settings_update'
  | 'group_status_update'
  | 'messages';

export const WEBHOOK_FIELDS: readonly WebhookField[] = [
  'group_lifecycle_update', 'group_participants_update', 'group_settings_update', 'group_status_update', 'messages',
];

export interface WebhookSink {
  notify(field: WebhookField, phoneNumberId: string, item: Record<string, unknown>): void;
}

export const noWebhooks: WebhookSink = { notify: () => undefined };
