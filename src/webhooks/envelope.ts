/** The four webhook fields of the Groups API; every other field on the endpoint is accepted and ignored. */
export const GROUP_FIELDS = ['group_lifecycle_update', 'group_participants_update', 'group_settings_update', 'group_status_update'] as const;
export type GroupField = (typeof GROUP_FIELDS)[number];

/** One `groups[]` item of one change, with what identifies where it came from. */
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
      if (!isGroupField(field)) continue;
      const value = objectAt(change, 'value');
      const phoneNumberId = stringAt(objectAt(value, 'metadata'), 'phone_number_id');
      if (phoneNumberId === undefined) continue;
      for (const item of arrayAt(value, 'groups')) {
        if (isObject(item)) changes.push({ field, phoneNumberId, item });
      }
    }
  }
  return changes;
}

/** The groups these changes are about (a creation that failed names none). */
export function groupIdsOf(changes: readonly GroupChange[]): string[] {
  const ids = changes.map(({ item }) => stringAt(item, 'group_id')).filter((id): id is string => id !== undefined);
  return [...new Set(ids)];
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
