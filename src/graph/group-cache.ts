import type { GraphCredentials } from './client.js';
import { UpstreamError } from './errors.js';
import type { GroupCacheStore, CachedSlot } from './group-cache-store.js';
import type { GraphObject, GraphRead, GraphReader, ReadResult } from './graph-reader.js';
import { newRecord, type GroupRecord } from './group-record.js';
import { fingerprintOf } from './token-fingerprint.js';

/** How a cacheable read was answered: `partial` read only the node fields the record lacked. */
export type GroupCacheOutcome = 'hit' | 'partial' | 'miss' | 'bypass';
/** Why a group was dropped: a verified webhook about it, or a write to it through this gateway. */
export type InvalidationSource = 'webhook' | 'write';

/** The shared store could not drop a group now (Redis unreachable): a webhook is not acknowledged. */
export class GroupCacheUnavailable extends Error {
  override readonly name = 'GroupCacheUnavailable';
}

export interface GroupCacheObserver {
  lookup(outcome: GroupCacheOutcome): void;
  invalidated(source: InvalidationSource, groups: number): void;
}

/** What of a group one read asks for, when the cache can answer it. */
type Want = { kind: 'node'; fields: readonly string[] } | { kind: 'inviteLink' } | { kind: 'joinRequests'; limit: string };

/**
 * The group cache (GROUP_CACHE_TTL_MS): group nodes, `invite_link` and the first page of
 * `join_requests`, kept per token fingerprint and group. It sits below each request's read loader,
 * so the loader still coalesces an operation's reads first: what the cache holds is answered from
 * it, and everything else (missing node fields only, where the record has the node) goes upstream
 * in one reader call. Errors are never stored; a token only ever gets records it read itself.
 */
export class GroupCache {
  constructor(
    private readonly store: GroupCacheStore,
    readonly ttlMs: number,
    private readonly observer?: GroupCacheObserver,
  ) {}

  /** These reads for this caller: from the records where they hold everything, the rest through `reader`. */
  async read(reader: GraphReader, reads: readonly GraphRead[], credentials: GraphCredentials): Promise<ReadResult[]> {
    const wants = reads.map(wantOf);
    const groupIds = [...new Set(reads.filter((_, i) => wants[i]).map((read) => read.id))];
    if (groupIds.length === 0) return reader.read(reads, credentials);
    const fingerprint = fingerprintOf(credentials);
    const slots = await this.store.read(fingerprint, groupIds);

    const results = new Array<ReadResult>(reads.length);
    const upstream: GraphRead[] = [];
    const upstreamOf: number[] = [];
    reads.forEach((read, i) => {
      const want = wants[i];
      const record = slots?.get(read.id)?.record;
      if (want && !slots) this.observer?.lookup('bypass');
      const served = want && record && answerFrom(record, want);
      if (served) {
        results[i] = served;
        this.observer?.lookup('hit');
        return;
      }
      const missing = want?.kind === 'node' && record?.node ? want.fields.filter((field) => !record.fields.includes(field)) : undefined;
      if (want && slots) this.observer?.lookup(missing ? 'partial' : 'miss');
      upstream.push(missing ? { id: read.id, params: { fields: ['id', ...missing].sort().join(',') } } : read);
      upstreamOf.push(i);
    });
    if (upstream.length === 0) return results;

    const answers = await reader.read(upstream, credentials);
    const now = Date.now();
    const updated = new Map<string, GroupRecord>();
    answers.forEach((answer, k) => {
      const i = upstreamOf[k]!;
      const want = wants[i];
      const slot = slots?.get(reads[i]!.id);
      if (answer instanceof UpstreamError || !want || !slot) {
        results[i] = answer;
        return;
      }
      const base = updated.get(reads[i]!.id) ?? slot.record ?? newRecord(now);
      const record = merged(base, want, upstream[k]!, answer);
      updated.set(reads[i]!.id, record);
      results[i] = want.kind === 'node' ? record.node! : answer;
    });
    if (slots && updated.size > 0) {
      await this.store.write(
        fingerprint,
        [...updated].map(([groupId, record]) => ({ groupId, generation: (slots.get(groupId) as CachedSlot).generation, record })),
      );
    }
    return results;
  }

  /**
   * Drops these groups for every token on every replica. Throws when the shared store cannot be
   * reached: a webhook is then not acknowledged (Meta sends it again); a write's caller is not
   * failed, and the replica serves nothing from the store until the invalidation is made.
   */
  async invalidate(groupIds: readonly string[], source: InvalidationSource): Promise<void> {
    const unique = [...new Set(groupIds)];
    if (unique.length === 0) return;
    try {
      await this.store.invalidate(unique);
    } catch (error) {
      throw new GroupCacheUnavailable(`Redis: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.observer?.invalidated(source, unique.length);
  }

  /** Undefined when records are served; else why reads go upstream (for `/ready` and the metric). */
  unavailableReason(): string | undefined {
    return this.store.unavailableReason();
  }

  close(): Promise<void> {
    return this.store.close();
  }
}

/**
 * Node reads by `fields`, the invite link, and a first page of join requests (no cursor) are
 * cacheable; anything else (a later page) goes upstream as it is.
 */
function wantOf(read: GraphRead): Want | undefined {
  const keys = Object.keys(read.params);
  if (!read.edge) return keys.length === 1 && read.params.fields ? { kind: 'node', fields: fieldsOf(read.params.fields) } : undefined;
  if (read.edge === 'invite_link') return keys.length === 0 ? { kind: 'inviteLink' } : undefined;
  return keys.length === 1 && read.params.limit ? { kind: 'joinRequests', limit: read.params.limit } : undefined;
}

function answerFrom(record: GroupRecord, want: Want): GraphObject | undefined {
  if (want.kind === 'inviteLink') return record.inviteLink;
  if (want.kind === 'joinRequests') return record.joinRequests?.[want.limit];
  return record.node && want.fields.every((field) => record.fields.includes(field)) ? record.node : undefined;
}

function merged(base: GroupRecord, want: Want, sent: GraphRead, answer: GraphObject): GroupRecord {
  if (want.kind === 'inviteLink') return { ...base, inviteLink: answer };
  if (want.kind === 'joinRequests') return { ...base, joinRequests: { ...base.joinRequests, [want.limit]: answer } };
  const fields = [...new Set([...base.fields, ...fieldsOf(sent.params.fields!)])].sort();
  return { ...base, fields, node: { ...base.node, ...answer } };
}

/** `fields` lists recur request after request (they come from selections cached per query). */
const fieldLists = new Map<string, readonly string[]>();
const MAX_FIELD_LISTS = 1_000;

function fieldsOf(list: string): readonly string[] {
  let fields = fieldLists.get(list);
  if (fields === undefined) {
    fields = Object.freeze(list.split(','));
    if (fieldLists.size >= MAX_FIELD_LISTS) fieldLists.clear();
    fieldLists.set(list, fields);
  }
  return fields;
}
