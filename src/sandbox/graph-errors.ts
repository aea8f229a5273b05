/**
 * Every error the emulated Meta can answer, in one table: HTTP status, Graph `code`,
 * `type`, message and, for WhatsApp codes, `error_data.details` (envelope: §4.1).
 * `source` names the section of shared/whatsapp-groups-api.md, or says ASSUMPTION.
 * ASSUMPTION: WhatsApp codes are typed `OAuthException`, as in §4.1's 130429 example, and
 * `error_subcode` is left out (§4.1: not returned since v16) except for Graph's 100/33.
 */
import { newFbtraceId } from './ids.js';

export type GraphErrorType = 'OAuthException' | 'GraphMethodException' | 'GraphBatchException';

export interface GraphErrorSpec {
  status: number;
  code: number;
  subcode?: number;
  type: GraphErrorType;
  message: string;
  /** Present for WhatsApp codes: becomes `error_data: { messaging_product, details }`. */
  details?: string;
  isTransient?: boolean;
  source: string;
}

const GRAPH_DOCS = 'Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api';

export const GRAPH_ERRORS = {
  tokenRequired: {
    status: 401, code: 104, type: 'OAuthException',
    message: 'An access token is required to request this resource.',
    source: '§4.3 (104 is the SPEC Unauthorized example, hence 401)',
  },
  tokenInvalid: {
    status: 401, code: 190, type: 'OAuthException',
    message: 'Invalid OAuth access token - Cannot parse access token',
    source: '§4.3 (190, 401)',
  },
  appsecretProofMissing: {
    status: 400, code: 100, type: 'GraphMethodException',
    message: 'API calls from the server require an appsecret_proof argument',
    source: 'ASSUMPTION: §5 says a required proof exists but not what its absence returns; Graph wording',
  },
  appsecretProofInvalid: {
    status: 400, code: 100, type: 'GraphMethodException',
    message: 'Invalid appsecret_proof provided in the API argument',
    source: 'ASSUMPTION: §5 is silent on the error; Graph wording',
  },
  unknownPath: {
    status: 400, code: 2500, type: 'OAuthException',
    message: 'Unknown path components',
    source: '§5 Versioning (2500, UNCERTAIN)',
  },
  unsupportedRequest: {
    status: 400, code: 100, type: 'GraphMethodException',
    message: `Unsupported request. ${GRAPH_DOCS}`,
    source: 'ASSUMPTION: Graph convention for a method/path the node does not support',
  },
  groupUnknown: {
    status: 400, code: 131041, type: 'OAuthException',
    message: '(#131041) Group unknown',
    details: 'The group was not found or you are not a member of it.',
    source: '§4.2 (131041, 400)',
  },
  objectNotFound: {
    status: 400, code: 100, subcode: 33, type: 'GraphMethodException',
    message: 'Unsupported get request.',
    source: '§4.3 (100/33, 400)',
  },
  aliasesMissing: {
    status: 400, code: 803, type: 'OAuthException',
    message: '(#803) Some of the aliases you requested do not exist',
    source: '§4.3, §5 (803)',
  },
  tooManyIds: {
    status: 400, code: 100, type: 'OAuthException',
    message: '(#100) Too many IDs. Maximum: 50',
    source: 'ASSUMPTION: §5 found no maximum; 50 as for batches',
  },
  nonexistingField: {
    status: 400, code: 100, type: 'OAuthException',
    message: '(#100) Tried accessing nonexisting field',
    source: 'ASSUMPTION: §5 is silent; Graph wording and type',
  },
  idsDisabled: {
    status: 400, code: 100, type: 'GraphMethodException',
    message: '(#100) The ids parameter is not supported for this node type',
    source: 'ASSUMPTION: option mechanisms.ids=false (§5 item 9: unknown whether ?ids= works)',
  },
  batchDisabled: {
    status: 400, code: 100, type: 'GraphMethodException',
    message: '(#100) Batch requests are not supported for this node type',
    source: 'ASSUMPTION: option mechanisms.batch=false (§5: unknown whether batch works)',
  },
  batchInvalid: {
    status: 400, code: 100, type: 'GraphBatchException',
    message: '(#100) The parameter batch must be a JSON array of request objects',
    source: 'ASSUMPTION: §5 documents the shape, not the error',
  },
  batchTooLarge: {
    status: 400, code: 1, type: 'GraphBatchException',
    message: '(#1) Too many requests in batch message. Maximum batch size is 50',
    source: '§5 Batch (max 50); ASSUMPTION: code and wording',
  },
  invalidParameter: {
    status: 400, code: 100, type: 'OAuthException',
    message: '(#100) Invalid parameter',
    details: 'Invalid parameter',
    source: '§4.3 (100 Invalid parameter); ASSUMPTION: which code each write rule gives',
  },
  messagingProductRequired: {
    status: 400, code: 100, type: 'OAuthException',
    message: '(#100) The parameter messaging_product is required.',
    details: 'The parameter messaging_product is required.',
    source: '§9 (required on every write); ASSUMPTION: wording',
  },
  bodyTooLarge: {
    status: 413, code: 100, type: 'OAuthException',
    message: '(#100) Request body too large',
    source: 'ASSUMPTION: Meta documents no body cap; the emulator refuses bodies over 1 MiB',
  },
  groupSuspended: {
    status: 403, code: 131207, type: 'OAuthException',
    message: '(#131207) Group suspended',
    details: 'This group has been suspended and cannot be modified.',
    source: '§4.2 (131207, 403)',
  },
  pictureAspectRatio: {
    status: 400, code: 131209, type: 'OAuthException',
    message: '(#131209) Invalid profile picture aspect ratio',
    details: 'The profile picture must be square (height equal to width).',
    source: '§1.4, §4.2 (131209)',
  },
  pictureTooSmall: {
    status: 400, code: 131210, type: 'OAuthException',
    message: '(#131210) Image too small',
    details: 'The profile picture must be at least 192x192 pixels.',
    source: '§1.4, §4.2 (131210)',
  },
  appRateLimit: {
    status: 400, code: 4, type: 'OAuthException',
    message: '(#4) Application request limit reached',
    details: 'Application request limit reached',
    isTransient: true,
    source: '§4.3 (4, 400; UNCERTAIN 429)',
  },
  wabaRateLimit: {
    status: 400, code: 80007, type: 'OAuthException',
    message: '(#80007) Rate limit issues',
    details: 'The WhatsApp Business Account has reached its rate limit.',
    isTransient: true,
    source: '§4.3 (80007, 400)',
  },
  bucRateLimit: {
    status: 400, code: 80008, type: 'OAuthException',
    message: '(#80008) There have been too many calls to this WhatsApp Business account. Wait a bit and try again.',
    details: 'WhatsApp Business Management API business use case rate limit reached.',
    isTransient: true,
    source: '§4.3 (80008); ASSUMPTION: HTTP 400 and wording',
  },
  throughputRateLimit: {
    status: 400, code: 130429, type: 'OAuthException',
    message: '(#130429) Rate limit hit',
    details: 'Cloud API message throughput has been reached.',
    isTransient: true,
    source: '§4.1 example, §4.3 (130429, 400)',
  },
  pairRateLimit: {
    status: 400, code: 131056, type: 'OAuthException',
    message: '(#131056) (Business Account, Consumer Account) pair rate limit hit',
    details: 'Too many messages sent from the sender phone number to the same recipient phone number in a short period of time.',
    isTransient: true,
    source: '§4.3 (131056, 400)',
  },
  groupRateLimit: {
    status: 429, code: 131208, type: 'OAuthException',
    message: '(#131208) Group Rate Limit Hit',
    details: 'Too many group operations in a short period of time.',
    isTransient: true,
    source: '§4.2 (131208, 429)',
  },
  unknownError: {
    status: 500, code: 1, type: 'OAuthException',
    message: 'An unknown error occurred',
    source: '§4.3 (1 API Unknown); ASSUMPTION: the default for an injected 5xx',
  },
  serviceUnavailable: {
    status: 503, code: 2, type: 'OAuthException',
    message: 'An unexpected error has occurred. Please retry your request later.',
    isTransient: true,
    source: '§4.1 (is_transient with code 2), §4.3 (2, 503)',
  },
  somethingWentWrong: {
    status: 500, code: 131000, type: 'OAuthException',
    message: '(#131000) Something went wrong',
    details: 'Something went wrong',
    source: '§4.3 (131000, 500)',
  },
  whatsappServiceUnavailable: {
    status: 500, code: 131016, type: 'OAuthException',
    message: '(#131016) Service unavailable',
    details: 'A service is temporarily unavailable.',
    isTransient: true,
    source: '§4.3 (131016, 500)',
  },
} as const satisfies Record<string, GraphErrorSpec>;

export type GraphErrorName = keyof typeof GRAPH_ERRORS;

export interface GraphErrorOverrides {
  status?: number;
  message?: string;
  details?: string;
  isTransient?: boolean;
}

/** A Graph error on its way to becoming an envelope. Handlers throw it. */
export class GraphError extends Error {
  readonly spec: GraphErrorSpec;

  constructor(spec: GraphErrorSpec, overrides: GraphErrorOverrides = {}) {
    const merged: GraphErrorSpec = { ...spec };
    if (overrides.status !== undefined) merged.status = overrides.status;
    if (overrides.message !== undefined) merged.message = overrides.message;
    if (overrides.details !== undefined) merged.details = overrides.details;
    if (overrides.isTransient !== undefined) merged.isTransient = overrides.isTransient;
    super(merged.message);
    this.spec = merged;
  }

  get status(): number {
    return this.spec.status;
  }

  /** The `{ "error": … }` body, with a fresh `fbtrace_id`. */
  envelope(fbtraceId: string = newFbtraceId()): GraphErrorEnvelope {
    const { spec } = this;
    return {
      error: {
        message: spec.message,
        type: spec.type,
        code: spec.code,
        ...(spec.details !== undefined && { error_data: { messaging_product: 'whatsapp', details: spec.details } }),
        ...(spec.subcode !== undefined && { error_subcode: spec.subcode }),
        ...(spec.isTransient !== undefined && { is_transient: spec.isTransient }),
        fbtrace_id: fbtraceId,
      },
    };
  }
}

export interface GraphErrorEnvelope {
  error: {
    message: string;
    type: GraphErrorType;
    code: number;
    error_data?: { messaging_product: 'whatsapp'; details: string };
    error_subcode?: number;
    is_transient?: boolean;
    fbtrace_id: string;
  };
}

export function graphError(name: GraphErrorName, overrides?: GraphErrorOverrides): GraphError {
  return new GraphError(GRAPH_ERRORS[name], overrides);
}

// Messages that name the request's own data.

export function unknownPath(path: string): GraphError {
  return graphError('unknownPath', { message: `Unknown path components: ${path}` });
}

export function unsupportedRequest(method: string): GraphError {
  return graphError('unsupportedRequest', { message: `Unsupported ${method.toLowerCase()} request. ${GRAPH_DOCS}` });
}

export function objectNotFound(method: string, id: string): GraphError {
  return graphError('objectNotFound', {
    message:
      `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to ` +
      `missing permissions, or does not support this operation. ${GRAPH_DOCS}`,
  });
}

export function aliasesMissing(ids: string[]): GraphError {
  return graphError('aliasesMissing', { message: `(#803) Some of the aliases you requested do not exist: ${ids.join(',')}` });
}

export function nonexistingField(field: string): GraphError {
  return graphError('nonexistingField', {
    message: `(#100) Tried accessing nonexisting field (${field}) on node type (Group)`,
  });
}

export function invalidParameter(details: string): GraphError {
  return graphError('invalidParameter', { details });
}
