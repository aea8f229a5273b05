/**
 * How each injected fault answers (or does not). Errors come from the one error table.
 */
import type { Fault } from './faults.js';
import { GRAPH_ERRORS, GraphError, type GraphErrorName, type GraphErrorSpec } from './graph-errors.js';
import { JSON_CONTENT_TYPE, type Reply } from './reply.js';
import { businessUseCaseUsage } from './usage-headers.js';

type ReplyingFault = Exclude<Fault, { kind: 'latency' | 'hang' | 'reset' }>;

const THROTTLE_ERRORS: Record<number, GraphErrorName> = {
  4: 'appRateLimit',
  80007: 'wabaRateLimit',
  80008: 'bucRateLimit',
  130429: 'throughputRateLimit',
  131056: 'pairRateLimit',
  131208: 'groupRateLimit',
};

const SERVER_ERRORS: Record<number, GraphErrorName> = {
  1: 'unknownError',
  2: 'serviceUnavailable',
  131000: 'somethingWentWrong',
  131016: 'whatsappServiceUnavailable',
};

/** ASSUMPTION: how long a throttled caller waits when the fault does not say. */
const DEFAULT_REGAIN_MINUTES = 1;

/** What the faulted request carried, for faults that echo it. */
export interface EchoInput {
  token?: string | undefined;
  appsecretProof?: string | undefined;
}

/** A reply whose headers the caller completes (usage, trace id). */
export function faultReply(fault: ReplyingFault, fbtraceId: string, echo: EchoInput = {}): Reply {
  switch (fault.kind) {
    case 'graph-error':
      return { status: fault.status, headers: { 'content-type': JSON_CONTENT_TYPE }, body: JSON.stringify(graphErrorEnvelope(fault, fbtraceId, echo)) };
    case 'status':
      return errorReply(statusError(fault), fbtraceId, {});
    case 'throttle': {
      const name = THROTTLE_ERRORS[fault.code] ?? 'appRateLimit';
      const regain = fault.regainMinutes ?? DEFAULT_REGAIN_MINUTES;
      return errorReply(new GraphError(GRAPH_ERRORS[name]), fbtraceId, {
        'x-business-use-case-usage': businessUseCaseUsage(regain),
      });
    }
    case 'malformed-json':
      return { status: 200, headers: { 'content-type': JSON_CONTENT_TYPE }, body: '{"id":"Y2FwaV9ncm91cDox' };
    case 'wrong-content-type':
      // ASSUMPTION: modelled as a proxy's HTML error page served with 200 in place of Graph's JSON.
      return {
        status: 200,
        headers: { 'content-type': 'text/html; charset=utf-8' },
        body: '<!DOCTYPE html><html><head><title>Error</title></head><body>Sorry, something went wrong.</body></html>',
      };
    case 'empty-204':
      return { status: 204, headers: {}, body: undefined };
  }
}

/**
 * A Graph error envelope (https://developers.facebook.com/docs/graph-api/guides/error-handling/), with the fault's code (or none: a bare 401 from a proxy or an
 * old endpoint). ASSUMPTION: with `echoCredentials`, the message quotes the token and proof the
 * request carried. Meta documents no message that does; Graph messages do quote parameter values
 * ("(#100) Param … must be …"), and this models the worst case a gateway must not pass on.
 */
function graphErrorEnvelope(fault: Extract<Fault, { kind: 'graph-error' }>, fbtraceId: string, echo: EchoInput) {
  const base = fault.message ?? (fault.code === undefined ? 'Unauthorized' : `(#${fault.code}) Graph API error`);
  const echoed = fault.echoCredentials ? ` (access_token: ${echo.token ?? 'none'}, appsecret_proof: ${echo.appsecretProof ?? 'none'})` : '';
  return {
    error: {
      message: base + echoed,
      type: 'OAuthException',
      ...(fault.code !== undefined && { code: fault.code }),
      ...(fault.subcode !== undefined && { error_subcode: fault.subcode }),
      fbtrace_id: fbtraceId,
    },
  };
}

/** Default Graph code by status: 503 → 2 (transient), anything else → 1. */
function statusError(fault: Extract<Fault, { kind: 'status' }>): GraphError {
  const code = fault.graphCode ?? (fault.status === 503 ? 2 : 1);
  const name = SERVER_ERRORS[code];
  const spec: GraphErrorSpec = name
    ? GRAPH_ERRORS[name]
    : {
        status: fault.status,
        code,
        type: 'OAuthException',
        message: `(#${code}) An unexpected error has occurred. Please retry your request later.`,
        source: 'ASSUMPTION: an injected code outside the table',
      };
  return new GraphError(spec, { status: fault.status, isTransient: fault.transient ?? spec.isTransient ?? false });
}

function errorReply(error: GraphError, fbtraceId: string, headers: Record<string, string>): Reply {
  return {
    status: error.status,
    headers: { 'content-type': JSON_CONTENT_TYPE, ...headers },
    body: JSON.stringify(error.envelope(fbtraceId)),
  };
}
