import { describe, expect, it } from 'vitest';
import { fromGraphEnvelope, gatewayCodeFor } from '../../src/graph/errors.js';

describe('Graph error codes → gateway codes', () => {
  it.each([
    [131041, undefined, 400, 'NOT_FOUND'],
    [100, 33, 400, 'NOT_FOUND'],
    [190, 460, 401, 'UNAUTHENTICATED'],
    [104, undefined, 400, 'UNAUTHENTICATED'],
    [10, undefined, 403, 'FORBIDDEN'],
    [131207, undefined, 403, 'FORBIDDEN'],
    [4, undefined, 400, 'RATE_LIMITED'],
    [80007, undefined, 400, 'RATE_LIMITED'],
    [80008, undefined, 400, 'RATE_LIMITED'],
    [130429, undefined, 400, 'RATE_LIMITED'],
    [131056, undefined, 400, 'RATE_LIMITED'],
    [131208, undefined, 429, 'RATE_LIMITED'],
    [100, undefined, 400, 'BAD_USER_INPUT'],
    [131209, undefined, 400, 'BAD_USER_INPUT'],
    [131210, undefined, 400, 'BAD_USER_INPUT'],
    [1, undefined, 400, 'UPSTREAM_ERROR'],
    [2, undefined, 503, 'UPSTREAM_ERROR'],
    [131000, undefined, 500, 'UPSTREAM_ERROR'],
    [undefined, undefined, 502, 'UPSTREAM_ERROR'],
  ] as const)('Graph code %s (subcode %s, HTTP %s) is %s', (code, subcode, status, expected) => {
    expect(gatewayCodeFor(code, subcode, status)).toBe(expected);
  });

  it('keeps the envelope fields callers may need, and the WhatsApp details in the message', () => {
    const error = fromGraphEnvelope(
      {
        error: {
          message: '(#130429) Rate limit hit',
          type: 'OAuthException',
          code: 130429,
          error_subcode: 2494055,
          error_data: { details: 'Cloud API message throughput has been reached.' },
          fbtrace_id: 'Az8or2yhqkZfEZ-_4Qn_Bam',
        },
      },
      400,
      120,
    );
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.message).toBe('(#130429) Rate limit hit: Cloud API message throughput has been reached.');
    expect(error.graph).toEqual({ code: 130429, subcode: 2494055, type: 'OAuthException', fbtraceId: 'Az8or2yhqkZfEZ-_4Qn_Bam' });
    expect(error.retryAfterSeconds).toBe(120);
  });

  it('marks Graph transient errors as worth retrying', () => {
    expect(fromGraphEnvelope({ error: { code: 2, is_transient: true } }, 503).transient).toBe(true);
    expect(fromGraphEnvelope({ error: { code: 100 } }, 400).transient).toBe(false);
  });
});
