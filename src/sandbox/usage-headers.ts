/**
 * Graph usage headers (Meta: Graph rate limits): `x-app-usage` on every response, and
 * `x-business-use-case-usage` with `estimated_time_to_regain_access` when throttled.
 */

/** ASSUMPTION: the WABA id the BUC header is keyed by; Meta documents no WhatsApp value. */
export const SANDBOX_WABA_ID = '102290129340398';
/** ASSUMPTION: Meta lists no WhatsApp BUC `type`. */
const BUC_TYPE = 'whatsapp_business_management';
/** ASSUMPTION: calls per hour that would make 100 %; only makes the percentages move. */
const HOURLY_BUDGET = 10_000;
const MINUTE_MS = 60 * 1000;

/** Calls in the last hour, kept as 60 per-minute buckets so counting stays O(1). */
export class UsageMeter {
  readonly #buckets = new Map<number, number>();

  /** Counts calls (a batch counts each operation, Graph batch requests). */
  count(calls = 1, now = Date.now()): void {
    const minute = Math.floor(now / MINUTE_MS);
    this.#buckets.set(minute, (this.#buckets.get(minute) ?? 0) + calls);
  }

  appUsage(now = Date.now()): string {
    const minute = Math.floor(now / MINUTE_MS);
    let calls = 0;
    for (const [m, n] of this.#buckets) {
      if (minute - m >= 60) this.#buckets.delete(m);
      else calls += n;
    }
    const callCount = Math.min(100, Math.floor((calls * 100) / HOURLY_BUDGET));
    const time = Math.floor(callCount / 2);
    return JSON.stringify({ call_count: callCount, total_time: time, total_cputime: time });
  }
}

export function businessUseCaseUsage(regainMinutes: number): string {
  return JSON.stringify({
    [SANDBOX_WABA_ID]: [
      {
        type: BUC_TYPE,
        call_count: 100,
        total_cputime: 40,
        total_time: 60,
        estimated_time_to_regain_access: regainMinutes,
      },
    ],
  });
}
