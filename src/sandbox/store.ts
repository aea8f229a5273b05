/**
 * The emulated Meta's groups. Holds what the Groups API exposes (§1.3, §2) plus the
 * profile picture facts a `group_settings_update` webhook would carry (§7).
 */
import { encodeGroupId, randomGroupJid } from './ids.js';
import { randomParticipants, type Participant } from './participants.js';
import { cryptoRandom, type Random } from './random.js';

export type JoinApprovalMode = 'approval_required' | 'auto_approve';

export interface PictureInfo {
  size: number;
  sha256: string;
  width: number;
  height: number;
  mimeType: string;
}

export interface StoredGroup {
  id: string;
  subject: string;
  description?: string;
  participants: Participant[];
  joinApprovalMode: JoinApprovalMode;
  suspended: boolean;
  /** Unix seconds (§2). */
  creationTimestamp: number;
  picture?: PictureInfo;
}

export interface SeedGroupInput {
  id?: string;
  subject?: string;
  description?: string;
  participants?: number | Participant[];
  joinApprovalMode?: JoinApprovalMode;
  suspended?: boolean;
  creationTimestamp?: number;
}

export type GroupPatch = Partial<Omit<StoredGroup, 'id'>>;

/** §3: a group holds at most 8 participants (besides the business). */
export const MAX_PARTICIPANTS = 8;

/** The emulated business phone number whose groups these are (a 555 test number). */
export const BUSINESS_PHONE = '15550100199';

export class GroupStore {
  readonly #groups = new Map<string, StoredGroup>();
  readonly #random: Random;

  constructor(random: Random = cryptoRandom) {
    this.#random = random;
  }

  seedGroup(input: SeedGroupInput = {}): StoredGroup {
    const participants = this.#participants(input.participants ?? 3);
    const group: StoredGroup = {
      id: input.id ?? this.#newId(),
      subject: input.subject ?? `Sandbox group ${this.#groups.size + 1}`,
      participants,
      joinApprovalMode: input.joinApprovalMode ?? 'auto_approve',
      suspended: input.suspended ?? false,
      creationTimestamp: input.creationTimestamp ?? Math.floor(Date.now() / 1000),
    };
    if (input.description !== undefined) group.description = input.description;
    this.#groups.set(group.id, group);
    return structuredClone(group);
  }

  get(id: string): StoredGroup | undefined {
    const group = this.#groups.get(id);
    return group && structuredClone(group);
  }

  has(id: string): boolean {
    return this.#groups.has(id);
  }

  /**
   * Applies a change at once: the API's updates are visible to the next read. An
   * `undefined` description or picture clears it; other `undefined` values are ignored.
   */
  update(id: string, patch: GroupPatch): StoredGroup | undefined {
    const group = this.#groups.get(id);
    if (!group) return undefined;
    const defined = Object.entries(patch).filter(([, value]) => value !== undefined);
    Object.assign(group, Object.fromEntries(defined));
    if ('description' in patch && patch.description === undefined) delete group.description;
    if ('picture' in patch && patch.picture === undefined) delete group.picture;
    return structuredClone(group);
  }

  delete(id: string): boolean {
    return this.#groups.delete(id);
  }

  list(): StoredGroup[] {
    return [...this.#groups.values()].map((g) => structuredClone(g));
  }

  picture(id: string): PictureInfo | undefined {
    const picture = this.#groups.get(id)?.picture;
    return picture && { ...picture };
  }

  get size(): number {
    return this.#groups.size;
  }

  #participants(spec: number | Participant[]): Participant[] {
    const list = typeof spec === 'number' ? randomParticipants(this.#random, spec) : spec.map((p) => ({ ...p }));
    if (list.length > MAX_PARTICIPANTS) {
      throw new RangeError(`a group holds at most ${MAX_PARTICIPANTS} participants (got ${list.length})`);
    }
    return list;
  }

  #newId(): string {
    for (;;) {
      const id = encodeGroupId(BUSINESS_PHONE, randomGroupJid(this.#random));
      if (!this.#groups.has(id)) return id;
    }
  }
}
