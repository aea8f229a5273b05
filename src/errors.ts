/**
 * The gateway's public error codes: every GraphQL error carries one as `extensions.code`.
 * Clients match on these strings, so they are a contract: add, never rename.
 * The README's error table is checked against this one by a test.
 */
export const ERROR_CODES = {
  UNAUTHENTICATED:
    'No upstream token (neither `Authorization: Bearer` nor WHATSAPP_ACCESS_TOKEN), or the Graph API refused it (codes 0, 102, 104, 190, 463, 467, or a 401 without a code).',
  FORBIDDEN:
    'The token is valid but may not do this (Graph codes 3, 10, 200-299, 368, 131005, 131031), the phone number may not create groups now (131211 create limit, 131214 creation disabled) or use the Groups API (131215), or the group is suspended (131207).',
  NOT_FOUND: 'The group does not exist or the token is not a member of it (Graph 131041, or 100 with subcode 33).',
  BAD_USER_INPUT:
    'The request is invalid: a malformed id or value caught before any upstream call, or a parameter the Graph API refused (100, 131059 invalid cursor, 131204 participant limit, 131209, 131210, ...).',
  RATE_LIMITED:
    'The Graph API throttled the call (codes 4, 17, 32, 613, 80007, 80008, 130429, 131056, 131208), whatever its HTTP status; or the gateway itself is at its limit of concurrent upstream calls (UPSTREAM_MAX_CONCURRENCY + UPSTREAM_MAX_QUEUE, or the per-token UPSTREAM_MAX_QUEUE_PER_TOKEN; retryAfterSeconds 1).',
  OUTSIDE_SERVICE_WINDOW:
    'A free-form message (text or media) to a group or person outside the 24-hour customer service window (Graph 131047): nobody has written in the last 24 hours; send a template instead.',
  UPSTREAM_TIMEOUT: 'The Graph API did not answer within UPSTREAM_TIMEOUT_MS.',
  OPERATION_TIMEOUT:
    'The whole GraphQL operation took longer than OPERATION_TIMEOUT_MS: its upstream calls were cancelled (a write in flight may still have been applied).',
  UPSTREAM_ERROR:
    'The Graph API failed (5xx, transient codes 1, 2, 131000, 131016), dropped the connection, or answered with something that is not a Graph response (not JSON, over UPSTREAM_MAX_RESPONSE_BYTES, a redirect).',
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_DOCUMENTS is set and the request named a document id that is not in it.',
  PERSISTED_QUERY_ONLY: 'PERSISTED_DOCUMENTS is set, ALLOW_ARBITRARY_OPERATIONS is not, and the request sent a query text instead of a document id.',
  SLOW_SUBSCRIBER:
    'A `groupEvents` subscriber did not read its events fast enough (more than 1000 waiting): it was disconnected; resume with `after` set to the last eventId it received.',
  INTERNAL_SERVER_ERROR: 'A fault in the gateway itself: the message is masked as "Unexpected error." and the details are logged.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * An error the gateway means to show its caller: the message is safe to return as is and `code`
 * becomes `extensions.code`. Anything else that reaches the client is masked as "Unexpected error.".
 */
export class GatewayError extends Error {
  override name = 'GatewayError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A write made of several upstream requests applied some of them, then one failed: `failure` says
 * why (its code becomes `extensions.code`), and the field lists say what did and did not change.
 */
export class PartialUpdateError extends GatewayError {
  override name = 'PartialUpdateError';
  constructor(
    readonly failure: GatewayError,
    readonly updatedFields: readonly string[],
    readonly failedFields: readonly string[],
  ) {
    super(failure.code, `${failedFields.join(', ')} not updated (${updatedFields.join(', ')} updated): ${failure.message}`);
  }
}
