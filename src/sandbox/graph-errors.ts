/**
 * Every error the emulated Meta can answer, in one table: HTTP status, Graph `code`,
 * `type`, message and, for WhatsApp codes, `error_data.details` (the envelope of Meta's
 * WhatsApp "Error codes" page). `source` names the Meta document (docs/graph-api-facts.md
 * lists them) or says ASSUMPTION.
 * ASSUMPTION: WhatsApp codes are typed `OAuthException`, as in Meta's 130429 example, and
 * `error_subcode` is left out (Meta: not returned since v16) except for Graph's 100/33.
 */
import { newFbtraceId } from './ids.js';

export type GraphErrorType = 'OAuthException' | 'GraphMethodException' | 'GraphBatchException';

export interface GraphErrorSpec {
  status: number;
  code: number;
  subcode?: number;
  type: GraphErrorType;
  message: string;
  /** Per-item errors carry a title; default: the message without its `(#code) `. */
  title?: string;
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
    source: 'Meta OpenAPI spec, Unauthorized example (104, 401)',
  },
  tokenInvalid: {
    status: 401, code: 190, type: 'OAuthException',
    message: 'Invalid OAuth access token - Cannot parse access token',
    source: 'Meta: WhatsApp error codes (190, 401)',
  },
  appsecretProofMissing: {
    status: 400, code: 100, type: 'GraphMethodException',
    message: 'API calls from the server require an appsecret_proof argument',
    source: 'ASSUMPTION: Meta: Login security requires the proof but not what its absence returns; Graph wording',
  },
  appsecretProofInvalid: {
    status: 400, code: 100, type: 'GraphMethodException',
    message: 'Invalid appsecret_proof provided in the API argument',
    source: 'ASSUMPTION: Meta: Login security is silent on the error; Graph wording',
  },
  unknownPath: {
    status: 400, code: 2500, type: 'OAuthException',
    message: 'Unknown path components',
    source: 'ASSUMPTION: code 2500 as client tests observe it (Meta: Graph versioning names no code)',
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
    source: 'Meta: Groups error codes (131041, 400)',
  },
  objectNotFound: {
    status: 400, code: 100, subcode: 33, type: 'GraphMethodException',
    message: 'Unsupported get request.',
    source: 'Meta: Graph API errors (100/33, 400), as clients observe it for an unknown object',
  },
  aliasesMissing: {
    status: 400, code: 803, type: 'OAuthException',
    message: '(#803) Some of the aliases you requested do not exist',
    source: 'Meta: Graph API errors (803), as clients observe it for `?ids=`',
  },
  tooManyIds: {
    status: 400, code: 100, type: 'OAuthException',
    message: '(#100) Too many IDs. Maximum: 50',
    source: 'ASSUMPTION: Meta documents no maximum; 50 as for batches',
  },
  nonexistingField: {
    status: 400, code: 100, type: 'OAuthException',
    message: '(#100) Tried accessing nonexisting field',
    source: 'ASSUMPTION: Meta: Using the Graph API is silent; Graph wording and type',
  },
  idsDisabled: {
    status: 400, code: 100, type: 'GraphMethodException',
    message: '(#100) The ids parameter is not supported for this node type',
    source: 'ASSUMPTION: option mechanisms.ids=false (unknown whether `?ids=` works on groups)',
  },
  batchDisabled: {
    status: 400, code: 100, type: 'GraphMethodException',
    message: '(#100) Batch requests are not supported for this node type',
    source: 'ASSUMPTION: option mechanisms.batch=false (unknown whether batches work on groups)',
  },
  batchInvalid: {
    status: 400, code: 100, type: 'GraphBatchException',
    message: '(#100) The parameter batch must be a JSON array of request objects',
    source: 'ASSUMPTION: Meta: Graph batch requests documents the shape, not the error',
  },
  batchTooLarge: {
    status: 400, code: 1, type: 'GraphBatchException',
    message: '(#1) Too many requests in batch message. Maximum batch size is 50',
    source: 'Meta: Graph batch requests (max 50); ASSUMPTION: code and wording',
  },
  invalidParameter: {
    status: 400, code: 100, type: 'OAuthException',
    message: '(#100) Invalid parameter',
    details: 'Invalid parameter',
    source: 'Meta: WhatsApp error codes (100 Invalid parameter); ASSUMPTION: which code each write rule gives',
  },
  messagingProductRequired: {
    status: 400, code: 100, type: 'OAuthException',
    message: '(#100) The parameter messaging_product is required.',
    details: 'The parameter messaging_product is required.',
    source: 'Meta: Groups reference (required on every write body); ASSUMPTION: code and wording',
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
    source: 'Meta: Groups error codes (131207, 403)',
  },
  pictureAspectRatio: {
    status: 400, code: 131209, type: 'OAuthException',
    message: '(#131209) Invalid profile picture aspect ratio',
    details: 'The profile picture must be square (height equal to width).',
    source: 'Meta: Groups error codes (131209)',
  },
  pictureTooSmall: {
    status: 400, code: 131210, type: 'OAuthException',
    message: '(#131210) Image too small',
    details: 'The profile picture must be at least 192x192 pixels.',
    source: 'Meta: Groups error codes (131210)',
  },
  invalidCursor: {
    status: 400, code: 131059, type: 'OAuthException',
    message: '(#131059) Invalid cursor',
    details: 'The paging cursor is not valid for this list.',
    source: 'Meta: Groups error codes (131059, 400)',
  },
  partialSuccess: {
    status: 206, code: 131201, type: 'OAuthException',
    message: '(#131201) Request partially succeeded',
    details: 'Failed to remove some participants from the group',
    source: 'Meta: Groups error codes (131201, 206); ASSUMPTION: details worded like the webhook\'s partial-failure message',
  },
  duplicateParticipant: {
    status: 400, code: 131202, type: 'OAuthException',
    message: '(#131202) Duplicate participant',
    details: 'The same participant appears more than once in the request.',
    source: 'Meta: Groups error codes (131202, 400)',
  },
  participantOverLimit: {
    status: 400, code: 131204, type: 'OAuthException',
    message: '(#131204) Participant overlimit',
    details: 'A group can have at most 8 participants.',
    source: 'Meta: Groups error codes (131204, 400); 8 participants per group (Groups overview)',
  },
  groupCreateLimit: {
    status: 400, code: 131211, type: 'OAuthException',
    message: '(#131211) Group create limit reached',
    details: 'This phone number already has 10000 groups.',
    source: 'Meta: Groups error codes (131211, 400); 10,000 groups per number (Groups overview)',
  },
  participantNotInGroup: {
    status: 400, code: 131212, type: 'OAuthException',
    message: '(#131212) Participant is not a part of the group',
    details: 'The participant is not a member of this group.',
    source: 'Meta: Groups error codes (131212, 400)',
  },
  joinRequestUnknown: {
    status: 400, code: 131213, type: 'OAuthException',
    message: '(#131213) Group join request does not exist',
    details: 'The join request was not found; it may have been approved, rejected or withdrawn.',
    source: 'Meta: Groups error codes (131213, 400)',
  },
  groupCreationDisabled: {
    status: 400, code: 131214, type: 'OAuthException',
    message: '(#131214) Group creation temporarily disabled',
    details: 'Group creation is temporarily disabled for this phone number after excessive marketing messages.',
    source: 'Meta: Groups error codes (131214, 400)',
  },
  notEligibleForGroups: {
    status: 400, code: 131215, type: 'OAuthException',
    message: '(#131215) Phone number not eligible for Groups APIs',
    details: 'Groups APIs are only available for eligible phone numbers.',
    source: 'Meta: Groups error codes (131215, 400)',
  },
  termsNotAccepted: {
    status: 400, code: 131203, type: 'OAuthException',
    message: '(#131203) Recipient has not accepted our new Terms of Service and Privacy Policy.',
    title: 'Unable to add participant to group',
    details: 'The user must accept the current WhatsApp Terms of Service before joining a group.',
    source: 'Meta: Groups reference, approve join requests example (131203); only ever per item',
  },
  appRateLimit: {
    status: 400, code: 4, type: 'OAuthException',
    message: '(#4) Application request limit reached',
    details: 'Application request limit reached',
    isTransient: true,
    source: 'Meta: WhatsApp error codes (4, 400; older docs say 429)',
  },
  wabaRateLimit: {
    status: 400, code: 80007, type: 'OAuthException',
    message: '(#80007) Rate limit issues',
    details: 'The WhatsApp Business Account has reached its rate limit.',
    isTransient: true,
    source: 'Meta: WhatsApp error codes (80007, 400)',
  },
  bucRateLimit: {
    status: 400, code: 80008, type: 'OAuthException',
    message: '(#80008) There have been too many calls to this WhatsApp Business account. Wait a bit and try again.',
    details: 'WhatsApp Business Management API business use case rate limit reached.',
    isTransient: true,
    source: 'Meta: Graph rate limits (80008); ASSUMPTION: HTTP 400 and wording',
  },
  throughputRateLimit: {
    status: 400, code: 130429, type: 'OAuthException',
    message: '(#130429) Rate limit hit',
    details: 'Cloud API message throughput has been reached.',
    isTransient: true,
    source: 'Meta: WhatsApp error codes (130429, 400, and its example envelope)',
  },
  pairRateLimit: {
    status: 400, code: 131056, type: 'OAuthException',
    message: '(#131056) (Business Account, Consumer Account) pair rate limit hit',
    details: 'Too many messages sent from the sender phone number to the same recipient phone number in a short period of time.',
    isTransient: true,
    source: 'Meta: WhatsApp error codes (131056, 400)',
  },
  groupRateLimit: {
    status: 429, code: 131208, type: 'OAuthException',
    message: '(#131208) Group Rate Limit Hit',
    details: 'Too many group operations in a short period of time.',
    isTransient: true,
    source: 'Meta: Groups error codes (131208, 429)',
  },
  requiredParameterMissing: {
    status: 400, code: 131008, type: 'OAuthException',
    message: '(#131008) Required parameter is missing',
    details: 'The request is missing a required parameter.',
    source: 'Meta: WhatsApp error codes (131008, 400)',
  },
  parameterNotValid: {
    status: 400, code: 131009, type: 'OAuthException',
    message: '(#131009) Parameter value is not valid',
    details: 'One or more parameter values are invalid.',
    source: 'Meta: WhatsApp error codes (131009, 400)',
  },
  badGroup: {
    status: 400, code: 131020, type: 'OAuthException',
    message: '(#131020) Bad Group',
    details: 'Messages cannot be sent to a group with no participant besides the business.',
    source: 'Meta: Groups error codes (131020, 400: cannot send to single-member groups)',
  },
  undeliverable: {
    status: 400, code: 131026, type: 'OAuthException',
    message: '(#131026) Message Undeliverable',
    details: 'Unable to deliver message: the recipient is not a WhatsApp user, has not accepted the current terms, or uses an old WhatsApp version.',
    source: 'Meta: WhatsApp error codes (131026, 400); ASSUMPTION: answered at once (Meta may report it by webhook instead)',
  },
  reEngagement: {
    status: 400, code: 131047, type: 'OAuthException',
    message: '(#131047) Re-engagement message',
    details: 'More than 24 hours have passed since the recipient last replied to the sender number. Send a template message instead.',
    source: 'Meta: WhatsApp error codes (131047, 400); ASSUMPTION: answered at once (Meta may report it by webhook instead)',
  },
  unsupportedMessageType: {
    status: 400, code: 131051, type: 'OAuthException',
    message: '(#131051) Unsupported message type',
    details: 'Unsupported message type.',
    source: 'Meta: WhatsApp error codes (131051, 400); Group messaging (text, media, text/media templates only)',
  },
  mediaUploadError: {
    status: 400, code: 131053, type: 'OAuthException',
    message: '(#131053) Media upload error',
    details: 'Unable to upload the media.',
    source: 'Meta: WhatsApp error codes (131053, 400: "such as an unsupported media type"); ASSUMPTION: also for a file over its type\'s size limit',
  },
  unknownError: {
    status: 500, code: 1, type: 'OAuthException',
    message: 'An unknown error occurred',
    source: 'Meta: WhatsApp error codes (1 API Unknown); ASSUMPTION: the default for an injected 5xx',
  },
  serviceUnavailable: {
    status: 503, code: 2, type: 'OAuthException',
    message: 'An unexpected error has occurred. Please retry your request later.',
    isTransient: true,
    source: 'Meta: WhatsApp error codes (2, 503); is_transient as in the OpenAPI spec example',
  },
  somethingWentWrong: {
    status: 500, code: 131000, type: 'OAuthException',
    message: '(#131000) Something went wrong',
    details: 'Something went wrong',
    source: 'Meta: WhatsApp error codes (131000, 500)',
  },
  whatsappServiceUnavailable: {
    status: 500, code: 131016, type: 'OAuthException',
    message: '(#131016) Service unavailable',
    details: 'A service is temporarily unavailable.',
    isTransient: true,
    source: 'Meta: WhatsApp error codes (131016, 500)',
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

/** 131009, naming the parameter and what is wrong with it. */
export function parameterNotValid(details: string): GraphError {
  return graphError('parameterNotValid', { details });
}

/** 131008, naming the missing parameter. */
export function requiredParameter(name: string): GraphError {
  return graphError('requiredParameterMissing', { details: `The parameter ${name} is required.` });
}

/** A per-item error, as join-request answers and webhooks carry them: `{code, message, title, error_data}`. */
export interface GraphItemError {
  code: number;
  message: string;
  title: string;
  error_data: { details: string };
}

export function itemError(error: GraphError): GraphItemError {
  const { spec } = error;
  return {
    code: spec.code,
    message: spec.message,
    title: spec.title ?? spec.message.replace(/^\(#\d+\)\s*/, ''),
    error_data: { details: spec.details ?? spec.message },
  };
}
