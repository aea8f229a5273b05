import type { GraphObject } from './graph-reader.js';

/**
 * What the group cache keeps of one group for one token: the node fields that token asked for
 * (`fields`, asked, not merely present: Graph leaves out a field that has no value, such as an
 * unset description), the `invite_link` edge, and first pages of `join_requests` by page size.
 */
export interface GroupRecord {
  /** When the record was first written (ms since the epoch): it is served for GROUP_CACHE_TTL_MS from then. */
  readonly at: number;
  /** The Graph node fields read so far, `id` included. */
  readonly fields: readonly string[];
  /** The node as the Graph API answered it, those fields merged; undefined until a node read. */
  readonly node?: GraphObject | undefined;
  /** `GET /{id}/invite_link`'s answer. */
  readonly inviteLink?: GraphObject | undefined;
  /** `GET /{id}/join_requests?limit=N`'s answer (no cursor: the first page), by N. */
  readonly joinRequests?: Readonly<Record<string, GraphObject>> | undefined;
}

/** An empty record, started now. */
export function newRecord(now: number): GroupRecord {
  return { at: now, fields: [] };
}

/** The record as JSON text, for a shared store. */
export function serializeRecord(record: GroupRecord): string {
  return JSON.stringify(record);
}

/**
 * A record read back from a shared store, or undefined when it is not one of ours in every detail:
 * Redis is a store, not an authority, so anything malformed, of another group, or older than the
 * TTL counts as absent (the read goes upstream and overwrites it).
 */
export function parseRecord(text: string | null | undefined, groupId: string, ttlMs: number, now: number): GroupRecord | undefined {
  if (typeof text !== 'string' || text.length === 0) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(value)) return undefined;
  const { at, fields, node, inviteLink, joinRequests } = value;
  if (typeof at !== 'number' || !Number.isFinite(at) || at > now + 60_000 || now - at >= ttlMs) return undefined;
  if (!Array.isArray(fields) || !fields.every((field) => typeof field === 'string')) return undefined;
  if (node !== undefined && (!isObject(node) || node.id !== groupId || !fields.includes('id'))) return undefined;
  if (inviteLink !== undefined && (!isObject(inviteLink) || typeof inviteLink.invite_link !== 'string')) return undefined;
  if (joinRequests !== undefined && (!isObject(joinRequests) || !Object.values(joinRequests).every((page) => isObject(page) && Array.isArray(page.data)))) {
    return undefined;
  }
  return {
    at,
    fields: fields as string[],
    node: node as GraphObject | undefined,
    inviteLink: inviteLink as GraphObject | undefined,
    joinRequests: joinRequests as Record<string, GraphObject> | undefined,
  };
}

/** Whether a record is still within the TTL (for records kept as objects in this process). */
export function isFresh(record: GroupRecord, ttlMs: number, now: number): boolean {
  return now - record.at < ttlMs;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
