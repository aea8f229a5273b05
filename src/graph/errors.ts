import { GatewayError, type ErrorCode } from '../errors.js';

/** The fields of a Graph error envelope that callers may see (`extensions.graphApi`). */
export interface GraphErrorDetails {
  code: number | undefined;
  subcode: number | undefined;
  type: string | undefined;
  fbtraceId: string | undefined;
}

/**
 * Everything that goes wrong talking to the Graph API becomes this one error class, carrying the
 * gateway's stable `code` and, when the Graph API sent an envelope, its fields.
 */
export class UpstreamError extends GatewayError {
  override name = 'UpstreamError';
  constructor(
    code: ErrorCode,
    message: string,
    readonly graph?: GraphErrorDetails,
    /** Seconds until the Graph API says access is regained (usage headers), for RATE_LIMITED. */
    readonly retryAfterSeconds?: number,
    /**
     * The same call may succeed if repeated: Graph's own hint (`is_transient`, codes 1, 2, 131000,
     * 131016), any 5xx answer, or a connection that failed. Reads retry on it (graph/retry.ts).
     */
    readonly transient = false,
    /**
     * What the answer held beside `error` (a 206 partial removal lists who was and was not removed
     * there). Already scrubbed of the call's secrets, like the message.
     */
    readonly answer?: Readonly<Record<string, unknown>>,
  ) {
    super(code, message);
  }
}

/** Throttling codes (Meta, WhatsApp "Error codes" and Groups API "Error codes"): RATE_LIMITED whatever the HTTP status. */
const THROTTLING = new Set([4, 17, 32, 613, 80007, 80008, 130429, 131056, 131208]);
const UNAUTHENTICATED = new Set([0, 102, 104, 190, 463, 467]);
// 131211 group create limit, 131214 group creation disabled, 131215 number not eligible, 131207 group suspended.
const FORBIDDEN = new Set([3, 10, 131005, 131031, 131207, 131211, 131214, 131215, 368]);
const NOT_FOUND = new Set([131041, 803]);
const TRANSIENT = new Set([1, 2, 131000, 131016]);
/** Re-engagement: a free-form message outside the 24-hour customer service window (a template is needed). */
const OUTSIDE_WINDOW = 131047;

/** Maps a Graph error code (plus subcode and HTTP status) to the gateway's code. */
export function gatewayCodeFor(code: number | undefined, subcode: number | undefined, status: number): ErrorCode {
  if (code === undefined) return status === 401 ? 'UNAUTHENTICATED' : 'UPSTREAM_ERROR';
  if (THROTTLING.has(code)) return 'RATE_LIMITED';
  if (code === OUTSIDE_WINDOW) return 'OUTSIDE_SERVICE_WINDOW';
  if (UNAUTHENTICATED.has(code)) return 'UNAUTHENTICATED';
  if (NOT_FOUND.has(code) || (code === 100 && subcode === 33)) return 'NOT_FOUND';
  if (FORBIDDEN.has(code) || (code >= 200 && code <= 299)) return 'FORBIDDEN';
  if (TRANSIENT.has(code) || status >= 500) return 'UPSTREAM_ERROR';
  // 100 (invalid parameter), 131008/131009, 131059 (invalid cursor), 131204 (participant over the limit),
  // 131209/131210 (picture rules) and the like: the caller's input.
  if (status >= 400 && status < 500) return 'BAD_USER_INPUT';
  return 'UPSTREAM_ERROR';
}

interface GraphEnvelope {
  error: {
    message?: unknown;
    type?: unknown;
    code?: unknown;
    error_subcode?: unknown;
    error_user_msg?: unknown;
    fbtrace_id?: unknown;
    is_transient?: unknown;
    error_data?: { details?: unknown };
  };
}

export function isGraphErrorEnvelope(body: unknown): body is GraphEnvelope {
  return typeof body === 'object' && body !== null && typeof (body as { error?: unknown }).error === 'object' &&
    (body as { error?: unknown }).error !== null;
}

/**
 * Turns a parsed `{ "error": { … } }` body into an UpstreamError (Graph's error envelope). The
 * message is Graph's own words, which can echo what the caller sent: `secrets` (the call's token,
 * the app secret, the proof sent) are replaced, and so is anything shaped like an appsecret_proof.
 */
export function fromGraphEnvelope(
  envelope: GraphEnvelope,
  status: number,
  retryAfterSeconds?: number,
  secrets: readonly string[] = [],
): UpstreamError {
  const e = envelope.error;
  const code = asNumber(e.code);
  const subcode = asNumber(e.error_subcode);
  const gatewayCode = gatewayCodeFor(code, subcode, status);
  const details = typeof e.error_data?.details === 'string' ? e.error_data.details : undefined;
  const message = safeGraphMessage([asString(e.message) ?? `Graph API error (HTTP ${status})`, details].filter(Boolean).join(': '), secrets);
  return new UpstreamError(
    gatewayCode,
    message,
    { code, subcode, type: asString(e.type), fbtraceId: asString(e.fbtrace_id) },
    gatewayCode === 'RATE_LIMITED' ? retryAfterSeconds : undefined,
    gatewayCode === 'UPSTREAM_ERROR' && (e.is_transient === true || (code !== undefined && TRANSIENT.has(code)) || status >= 500),
    envelope as unknown as Record<string, unknown>,
  );
}

/** Longest Graph message passed on; Graph's own are a line or two. */
export const MAX_GRAPH_MESSAGE_CHARS = 500;
export const REDACTED = '[redacted]';
/** An appsecret_proof is an HMAC-SHA256 in hex: 64 hex digits. */
const PROOF_SHAPED = /(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])/gi;
/** Shorter "secrets" are not tokens (Meta's are 100+ characters); replacing them would garble messages. */
const MIN_SECRET_LENGTH = 8;

/** Replaces every occurrence of each secret in `text` (cheap when there is none: one scan per secret). */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let redacted = text;
  for (const secret of secrets) {
    if (secret.length >= MIN_SECRET_LENGTH && redacted.includes(secret)) redacted = redacted.replaceAll(secret, REDACTED);
  }
  return redacted;
}

/**
 * A Graph message fit for a response or a log line: the secrets and anything shaped like an
 * appsecret_proof (one computed for another time, say) replaced, the length capped.
 */
export function safeGraphMessage(message: string, secrets: readonly string[] = []): string {
  const redacted = redactSecrets(message, secrets).replace(PROOF_SHAPED, REDACTED);
  return redacted.length <= MAX_GRAPH_MESSAGE_CHARS ? redacted : `${redacted.slice(0, MAX_GRAPH_MESSAGE_CHARS)}… (truncated)`;
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
