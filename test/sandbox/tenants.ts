/**
 * Test fixtures for the Groups endpoints: a recording webhook sink, and tenants (a phone
 * number, a token that manages it, and its groups) seeded straight into a sandbox.
 */
import type { Sandbox, SeedGroupInput, WebhookField, WebhookSink } from '../../src/sandbox/index.js';

export interface Notified {
  field: WebhookField;
  phoneNumberId: string;
  item: Record<string, unknown>;
}

export interface WebhookRecorder {
  sink: WebhookSink;
  calls: Notified[];
  /** The items of one type, in order. */
  ofType(type: string): Notified[];
}

export function recordWebhooks(): WebhookRecorder {
  const calls: Notified[] = [];
  return {
    sink: { notify: (field, phoneNumberId, item) => void calls.push({ field, phoneNumberId, item }) },
    calls,
    ofType: (type) => calls.filter((c) => c.item.type === type),
  };
}

export interface Tenant {
  phoneNumberId: string;
  token: string;
  groupIds: string[];
}

let next = 0;

/** A phone number with its own token and `groups` groups (seeded oldest first). */
export function seedTenant(sandbox: Sandbox, groups: number | SeedGroupInput[] = 0): Tenant {
  next += 1;
  const phoneNumberId = `${2000 + next}${Date.now() % 1_000_000}`;
  sandbox.groups.addPhoneNumber({ id: phoneNumberId });
  const token = `tenant-token-${phoneNumberId}`;
  sandbox.tokens.addToken(token, { groups: [], phoneNumbers: [phoneNumberId] });
  const inputs = typeof groups === 'number' ? Array.from({ length: groups }, (_, i) => ({ subject: `Group ${i + 1}` })) : groups;
  const groupIds = inputs.map((input) => sandbox.groups.seedGroup({ ...input, phoneNumberId }).id);
  return { phoneNumberId, token, groupIds };
}
