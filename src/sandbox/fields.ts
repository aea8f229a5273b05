/**
 * The `fields` parameter (Using the Graph API) and the Group node's fields (Groups reference, "Get group info"). This is the one
 * table mapping stored groups to Graph field names.
 */
import { nonexistingField } from './graph-errors.js';
import type { Participant } from './participants.js';
import type { StoredGroup } from './store.js';

type FieldReader = (group: StoredGroup) => unknown;

const GROUP_FIELDS: Record<string, FieldReader> = {
  id: (g) => g.id,
  messaging_product: () => 'whatsapp',
  subject: (g) => g.subject,
  description: (g) => g.description,
  suspended: (g) => g.suspended,
  creation_timestamp: (g) => g.creationTimestamp,
  participants: (g) => g.participants.map(participantToWire),
  total_participant_count: (g) => g.participants.length,
  join_approval_mode: (g) => g.joinApprovalMode,
};

function participantToWire(p: Participant): Record<string, string> {
  return {
    ...(p.waId !== undefined && { wa_id: p.waId }),
    ...(p.userId !== undefined && { user_id: p.userId }),
    ...(p.username !== undefined && { username: p.username }),
  };
}

/**
 * Splits `fields` on top-level commas, so `participants{wa_id,user_id},subject` gives two
 * entries. Returns `null` when the parameter is absent.
 */
export function splitFields(raw: string | undefined): string[] | null {
  if (raw === undefined) return null;
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of raw) {
    if (ch === '{' || ch === '(') depth++;
    if (ch === '}' || ch === ')') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

/**
 * The field name of one entry. ASSUMPTION: nested selections (`participants{wa_id}`) and
 * modifiers (`.limit(5)`) are accepted and ignored; Meta documents neither for groups.
 */
function fieldName(entry: string): string {
  const cut = entry.search(/[{.]/);
  return (cut === -1 ? entry : entry.slice(0, cut)).trim();
}

/** Throws the Graph nonexisting-field error for the first unknown name. */
export function checkFields(entries: readonly string[]): string[] {
  const names = entries.map(fieldName);
  const unknown = names.find((n) => !Object.hasOwn(GROUP_FIELDS, n));
  if (unknown !== undefined) throw nonexistingField(unknown);
  return [...new Set(names)];
}

/**
 * A group as the API shows it. Without `fields`: `{id, messaging_product}` (Groups reference). With
 * `fields`: those fields in request order, then `id`, which Graph adds unasked.
 * ASSUMPTION: `messaging_product` only when asked for (the reference's sample shows it, its text is
 * ambiguous; the gateway brief says requested fields plus id). Unset values are omitted.
 */
export function projectGroup(group: StoredGroup, entries: readonly string[] | null): Record<string, unknown> {
  if (entries === null || entries.length === 0) return { id: group.id, messaging_product: 'whatsapp' };
  const out: Record<string, unknown> = {};
  for (const name of checkFields(entries)) {
    const value = GROUP_FIELDS[name]?.(group);
    if (value !== undefined) out[name] = value;
  }
  out.id = group.id;
  return out;
}
