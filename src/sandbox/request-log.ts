/**
 * The request log: one entry per Graph HTTP request, in arrival order. Tests and the
 * benchmark read it as the record of what went upstream. It never holds a token.
 */
import type { ProofVerdict } from './auth.js';
import type { BatchOpRecord } from './graph-call.js';
import type { RequestKind } from './routes.js';

export interface RecordedRequest {
  method: string;
  /** Pathname without query, e.g. `/v23.0/<id>`. */
  path: string;
  /** The route it took (routes.ts): `read`, `groups`, `invite_link`, `join_requests`…; `other` when none. */
  kind: RequestKind;
  /**
   * The object ids the request addressed: the group of `/{group-id}…`, the phone number of
   * `/{phone-number-id}/groups`, the `?ids=` list; for a batch, every operation's ids in order.
   */
  ids: string[];
  /** The `fields` parameter split on top-level commas; null when absent. Batches: union, first-seen order. */
  fields: string[] | null;
  /** A batch's operations in order, each with the kind it would have as a request of its own. */
  batchOps?: BatchOpRecord[];
  /** HTTP status answered (even if the client had gone by then); 0 while in flight, for reset/hang faults and for clients that aborted while sending. */
  status: number;
  /** The incoming `x-request-id` header. */
  requestId?: string;
  /** The incoming W3C `traceparent` header (Graph ignores it; recorded to check trace propagation). */
  traceparent?: string;
  /** The incoming W3C `baggage` header (recorded to check that a caller's baggage is not forwarded). */
  baggage?: string;
  /** First 8 hex characters of sha256(token). */
  tokenFingerprint?: string;
  bodyBytes: number;
  responseBytes: number;
  /** Only judged when the sandbox has an app secret. */
  appsecretProof?: ProofVerdict;
}

export class RequestLog {
  /** Append-only; `clear()` empties it in place so references stay valid. */
  readonly entries: RecordedRequest[] = [];

  /** Appends at arrival, so the order is arrival order; the caller fills the rest in. */
  start(entry: RecordedRequest): RecordedRequest {
    this.entries.push(entry);
    return entry;
  }

  clear(): void {
    this.entries.length = 0;
  }
}
