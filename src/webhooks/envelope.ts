import { GROUP_FIELDS, type GroupChange, type GroupField } from '../events/group-change.js';

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
