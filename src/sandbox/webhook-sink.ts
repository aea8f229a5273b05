/**
 * Where the sandbox reports what Meta would send by webhook (one `groups[]` item of a change).
 * The webhooks module delivers them, signed, to the gateway; `noWebhooks` drops them.
 */
export type WebhookField = 'group_lifecycle_update' | 'group_participants_update' | 'group_settings_update' | 'group_status_update';

export interface WebhookSink {
  notify(field: WebhookField, phoneNumberId: string, item: Record<string, unknown>): void;
}

export const noWebhooks: WebhookSink = { notify: () => undefined };
