/**
 * Access tokens the emulated Meta accepts, and which groups each one may see. A token
 * that is not a member of a group gets the "unknown group" answer for it (§4.2, 131041:
 * "not found or you are not a member").
 */
export interface TokenGrant {
  groups: '*' | string[];
}

export class TokenRegistry {
  readonly #grants = new Map<string, '*' | Set<string>>();

  addToken(token: string, grant: TokenGrant): void {
    if (token.length === 0) throw new RangeError('token must be non-empty');
    this.#grants.set(token, grant.groups === '*' ? '*' : new Set(grant.groups));
  }

  /** Lets an existing token see one more group (no-op for `*` tokens). */
  grant(token: string, groupId: string): void {
    const groups = this.#grants.get(token);
    if (groups === undefined) throw new RangeError('unknown token');
    if (groups !== '*') groups.add(groupId);
  }

  removeToken(token: string): boolean {
    return this.#grants.delete(token);
  }

  isKnown(token: string): boolean {
    return this.#grants.has(token);
  }

  canSee(token: string, groupId: string): boolean {
    const groups = this.#grants.get(token);
    return groups === '*' || (groups?.has(groupId) ?? false);
  }

  get size(): number {
    return this.#grants.size;
  }
}
