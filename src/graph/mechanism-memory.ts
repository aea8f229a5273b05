/** A read mechanism that can be refused: Graph batch requests, or multi-id reads (`?ids=`). */
export type RefusableMechanism = 'batch' | 'ids';

/** After the upstream refuses a mechanism for a token, that token uses the next one for this long. */
const REMEMBER_MS = 10 * 60_000;
/** Tokens remembered at once; the oldest refusal is dropped first, so memory stays bounded. */
const MAX_TOKENS = 10_000;

/**
 * Which read mechanisms the Graph API refused, per token. Meta may allow batch requests for one
 * app and not another, and a refusal one caller provokes must never change how another caller's
 * reads go upstream, so the memory is keyed by the caller's token fingerprint (token-fingerprint.ts).
 */
export class MechanismMemory {
  private readonly refusedUntil = new Map<string, Map<RefusableMechanism, number>>();

  constructor(private readonly now: () => number = Date.now) {}

  refused(fingerprint: string, mechanism: RefusableMechanism): boolean {
    const until = this.refusedUntil.get(fingerprint)?.get(mechanism);
    return until !== undefined && until > this.now();
  }

  remember(fingerprint: string, mechanism: RefusableMechanism): void {
    const entry = this.refusedUntil.get(fingerprint) ?? new Map<RefusableMechanism, number>();
    entry.set(mechanism, this.now() + REMEMBER_MS);
    // Re-inserted at the end: the Map's order is the order of the latest refusals.
    this.refusedUntil.delete(fingerprint);
    this.refusedUntil.set(fingerprint, entry);
    for (const oldest of this.refusedUntil.keys()) {
      if (this.refusedUntil.size <= MAX_TOKENS) break;
      this.refusedUntil.delete(oldest);
    }
  }
}
