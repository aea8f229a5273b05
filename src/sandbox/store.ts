/**
 * The emulated Meta's state: business phone numbers and their groups. Holds what the
 * Groups API exposes (group fields, invite link, pending join requests) plus what it
 * remembers without exposing (who the business removed, the profile picture's facts a
 * `group_settings_update` webhook would carry). See docs/graph-api-facts.md.
 */
import { decodeGroupId, encodeGroupId, newInviteCode, randomGroupJid } from './ids.js';
import { randomParticipants, type Participant } from './participants.js';
import { cryptoRandom, randomDigits, type Random } from './random.js';

export type JoinApprovalMode = 'approval_required' | 'auto_approve';

export interface PictureInfo {
  size: number;
  sha256: string;
  width: number;
  height: number;
  mimeType: string;
}

export interface StoredJoinRequest {
  id: string;
  waId: string;
  userId?: string;
  /** Unix seconds. */
  creationTimestamp: number;
  /** A requester who has not accepted WhatsApp's current terms cannot be approved (131203). */
  acceptedTerms: boolean;
  /** Store-wide insertion order; what join-request cursors point at. */
  seq: number;
}

export interface StoredGroup {
  id: string;
  /** The business phone number that owns the group. */
  phoneNumberId: string;
  subject: string;
  description?: string;
  participants: Participant[];
  joinApprovalMode: JoinApprovalMode;
  suspended: boolean;
  /** Unix seconds. */
  creationTimestamp: number;
  picture?: PictureInfo;
  /** The part of the invite link after `https://chat.whatsapp.com/`. */
  inviteCode: string;
  /** Pending join requests, oldest first. */
  joinRequests: StoredJoinRequest[];
  /** wa_ids and BSUIDs of participants the business removed: they cannot rejoin by link. */
  removedByBusiness: string[];
  /** Messages pinned in the group, the earliest pinned first (at most 3; pins.ts). */
  pinned: PinnedMessage[];
  /** Store-wide insertion order; what group-list cursors point at. */
  seq: number;
}

export interface PinnedMessage {
  messageId: string;
  /** Milliseconds since the epoch. */
  pinnedAt: number;
  expiresAt: number;
}

/** What a phone number lets its groups do; the flags make 131214/131215 reachable. */
export type GroupCreation = 'enabled' | 'frozen' | 'ineligible';

export interface PhoneNumber {
  id: string;
  displayPhoneNumber: string;
  groupCreation: GroupCreation;
}

export interface JoinRequestInput {
  waId?: string;
  userId?: string;
  creationTimestamp?: number;
  acceptedTerms?: boolean;
}

export interface SeedGroupInput {
  id?: string;
  phoneNumberId?: string;
  subject?: string;
  description?: string;
  participants?: number | Participant[];
  joinApprovalMode?: JoinApprovalMode;
  suspended?: boolean;
  creationTimestamp?: number;
  joinRequests?: number | JoinRequestInput[];
}

export type GroupPatch = Partial<Omit<StoredGroup, 'id' | 'seq' | 'phoneNumberId'>>;

/** A group holds at most 8 participants besides the business (Meta's Groups API overview). */
export const MAX_PARTICIPANTS = 8;

/** The emulated business phone number whose groups these are (a 555 test number). */
export const BUSINESS_PHONE = '15550100199';

/**
 * Owner of groups seeded without a phone number. No token owns it unless granted, so
 * such groups stay visible only to the tokens given them by id.
 */
export const SEED_PHONE_NUMBER_ID = '100000000000199';

export class GroupStore {
  readonly #groups = new Map<string, StoredGroup>();
  readonly #phoneNumbers = new Map<string, PhoneNumber>();
  readonly #random: Random;
  #seq = 0;

  constructor(random: Random = cryptoRandom) {
    this.#random = random;
    this.addPhoneNumber({ id: SEED_PHONE_NUMBER_ID, displayPhoneNumber: BUSINESS_PHONE });
  }

  addPhoneNumber(input: { id: string; displayPhoneNumber?: string; groupCreation?: GroupCreation }): PhoneNumber {
    if (!/^\d{1,32}$/.test(input.id)) throw new RangeError('a phone number id is 1 to 32 digits');
    const phone: PhoneNumber = {
      id: input.id,
      displayPhoneNumber: input.displayPhoneNumber ?? `1555${randomDigits(this.#random, 7)}`,
      groupCreation: input.groupCreation ?? 'enabled',
    };
    this.#phoneNumbers.set(phone.id, phone);
    return { ...phone };
  }

  phoneNumber(id: string): PhoneNumber | undefined {
    const phone = this.#phoneNumbers.get(id);
    return phone && { ...phone };
  }

  seedGroup(input: SeedGroupInput = {}): StoredGroup {
    const phoneNumberId = input.phoneNumberId ?? SEED_PHONE_NUMBER_ID;
    const phone = this.#phoneNumbers.get(phoneNumberId);
    if (!phone) throw new RangeError(`unknown phone number ${phoneNumberId}`);
    const participants = this.#participants(input.participants ?? 3);
    const id = input.id ?? this.#newId(phone.displayPhoneNumber);
    const creationTimestamp = input.creationTimestamp ?? Math.floor(Date.now() / 1000);
    const group: StoredGroup = {
      id,
      phoneNumberId,
      subject: input.subject ?? `Sandbox group ${this.#groups.size + 1}`,
      participants,
      joinApprovalMode: input.joinApprovalMode ?? 'auto_approve',
      suspended: input.suspended ?? false,
      creationTimestamp,
      inviteCode: newInviteCode(this.#random),
      joinRequests: [],
      removedByBusiness: [],
      pinned: [],
      seq: ++this.#seq,
    };
    if (input.description !== undefined) group.description = input.description;
    group.joinRequests = this.#joinRequests(group, input.joinRequests ?? 0);
    this.#groups.set(group.id, group);
    return structuredClone(group);
  }

  /** A pending join request for an existing group; its id follows Meta's `<wa_id>:<group JID>` pattern. */
  newJoinRequest(group: StoredGroup, input: JoinRequestInput): StoredJoinRequest {
    const waId = input.waId ?? randomParticipants(this.#random, 1)[0]!.waId!;
    const jid = groupJid(group.id);
    return {
      id: Buffer.from(`${waId}:${jid}`).toString('base64').replace(/=+$/, ''),
      waId,
      ...(input.userId !== undefined && { userId: input.userId }),
      creationTimestamp: input.creationTimestamp ?? Math.floor(Date.now() / 1000),
      acceptedTerms: input.acceptedTerms ?? true,
      seq: ++this.#seq,
    };
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
    Object.assign(group, structuredClone(Object.fromEntries(defined)));
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

  /** A phone number's groups, newest first (the order the list endpoint pages through). */
  listByPhoneNumber(phoneNumberId: string): StoredGroup[] {
    return [...this.#groups.values()]
      .filter((g) => g.phoneNumberId === phoneNumberId)
      .sort((a, b) => b.seq - a.seq)
      .map((g) => structuredClone(g));
  }

  countByPhoneNumber(phoneNumberId: string): number {
    let count = 0;
    for (const group of this.#groups.values()) if (group.phoneNumberId === phoneNumberId) count++;
    return count;
  }

  findByInviteCode(code: string): StoredGroup | undefined {
    for (const group of this.#groups.values()) if (group.inviteCode === code) return structuredClone(group);
    return undefined;
  }

  newInviteCode(): string {
    return newInviteCode(this.#random);
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

  #joinRequests(group: StoredGroup, spec: number | JoinRequestInput[]): StoredJoinRequest[] {
    const inputs = typeof spec === 'number' ? Array.from({ length: spec }, () => ({})) : spec;
    return inputs.map((input) => this.newJoinRequest(group, { creationTimestamp: group.creationTimestamp, ...input }));
  }

  #newId(displayPhoneNumber: string): string {
    for (;;) {
      const id = encodeGroupId(displayPhoneNumber, randomGroupJid(this.#random));
      if (!this.#groups.has(id)) return id;
    }
  }
}

/** The WhatsApp group JID number inside a group id, or the id itself for ids of another shape. */
function groupJid(groupId: string): string {
  return decodeGroupId(groupId)?.jid ?? groupId;
}
