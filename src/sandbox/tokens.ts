/**
 * Access tokens the emulated Meta accepts, and what each may reach: the business phone
 * numbers it manages (and so their groups), plus single groups granted by id. A token
 * that may not reach a group gets the "unknown group" answer for it (131041: "not found
 * or you are not a member"); one that may not reach a phone number gets Graph's answer
 * for an object it cannot load (100/33).
 */
export interface TokenGrant {
  /** `'*'`: every group and every phone number (a test and admin convenience). */
  groups: '*' | string[];
  phoneNumbers?: string[];
}

interface Grant {
  all: boolean;
  groups: Set<string>;
  phoneNumbers: Set<string>;
}

export class TokenRegistry {
  readonly #grants = new Map<string, Grant>();

  addToken(token: string, grant: TokenGrant): void {
    if (token.length === 0) throw new RangeError('token must be non-empty');
    this.#grants.set(token, {
      all: grant.groups === '*',
      groups: new Set(grant.groups === '*' ? [] : grant.groups),
      phoneNumbers: new Set(grant.phoneNumbers ?? []),
    });
  }

  /** Lets an existing token see one more group (no-op for `*` tokens). */
  grant(token: string, groupId: string): void {
    this.#require(token).groups.add(groupId);
  }

  /** Lets an existing token manage one more phone number and its groups. */
  grantPhoneNumber(token: string, phoneNumberId: string): void {
    this.#require(token).phoneNumbers.add(phoneNumberId);
  }

  removeToken(token: string): boolean {
    return this.#grants.delete(token);
  }

  isKnown(token: string): boolean {
    return this.#grants.has(token);
  }

  /** Granted this group by id. Ownership through a phone number is checked by group-access. */
  canSee(token: string, groupId: string): boolean {
    const grant = this.#grants.get(token);
    return grant !== undefined && (grant.all || grant.groups.has(groupId));
  }

  ownsPhoneNumber(token: string, phoneNumberId: string): boolean {
    const grant = this.#grants.get(token);
    return grant !== undefined && (grant.all || grant.phoneNumbers.has(phoneNumberId));
  }

  get size(): number {
    return this.#grants.size;
  }

  #require(token: string): Grant {
    const grant = this.#grants.get(token);
    if (grant === undefined) throw new RangeError('unknown token');
    return grant;
  }
}
