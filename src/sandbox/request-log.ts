/**
 * The request log: one entry per Graph HTTP request, in arrival order. Tests and the
 * benchmark read it as the record of what went upstream. It never holds a token.
 */
import type { ProofVerdict } from './auth.js';
import type { RequestKind } from './graph-path.js';

export interface RecordedRequest {
  method: string;
  /** Pathname without query, e.g. `/v23.0/<id>`. */
  path: string;
  kind: RequestKind;
  /** Group ids the request touched; for a batch, every operation's ids in order. */
  ids: string[];
  /** The `fields` parameter split on top-level commas; null when absent. Batches: union, first-seen order. */
  fields: string[] | null;
  batchOps?: { method: string; relativeUrl: string }[];
  /** HTTP status answered (even if the client had gone by then); 0 while in flight, for reset/hang faults and for clients that aborted while sending. */
  status: number;
  /** The incoming `x-request-id` header. */
  requestId?: string;
  /** The incoming W3C `traceparent` header (Graph ignores it; recorded to check trace propagation). */
  traceparent?: string;
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
