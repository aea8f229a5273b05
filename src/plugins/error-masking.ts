import { GraphQLError } from 'graphql';
import { createGraphQLError, maskError as yogaMaskError, type Plugin } from 'graphql-yoga';
import { ERROR_CODES, GatewayError, PartialUpdateError, type ErrorCode } from '../errors.js';
import { UpstreamError, type GraphErrorDetails } from '../graph/errors.js';

declare module 'graphql' {
  interface GraphQLErrorExtensions {
    code?: ErrorCode | string;
    /** The Graph API error envelope's fields, where the upstream sent one. */
    graphApi?: GraphErrorDetails;
    /** For RATE_LIMITED: seconds until the Graph API (or the gateway's own limit) lets the caller in again. */
    retryAfterSeconds?: number;
    /** For an update applied in part: the parts that changed, and those that did not. */
    updatedFields?: readonly string[];
    failedFields?: readonly string[];
  }
}

/**
 * Yoga's `maskedErrors.maskError`: the one place where thrown errors become what clients see.
 * - GatewayError (incl. UpstreamError) → its message, `extensions.code`, `extensions.graphApi`.
 * - GraphQL's own errors (syntax, validation, variable coercion, HTTP-level, CSRF, body size) keep
 *   their message, minus any "Did you mean …?" suggestion, and get a code from our table:
 *   BAD_USER_INPUT unless their HTTP status says otherwise (Yoga's GRAPHQL_PARSE_FAILED,
 *   GRAPHQL_VALIDATION_FAILED and REQUEST_ENTITY_TOO_LARGE become BAD_USER_INPUT too).
 * - Anything else is a bug: masked as "Unexpected error." (INTERNAL_SERVER_ERROR), never a stack.
 */
export function maskGatewayError(error: unknown, message: string): Error {
  const original = error instanceof GraphQLError ? error.originalError : error;
  if (original instanceof GatewayError) {
    return createGraphQLError(original.message, { ...locationOf(error), extensions: extensionsOf(original) });
  }
  if (error instanceof GraphQLError && (!error.originalError || error.originalError instanceof GraphQLError)) {
    return publicGraphQLError(error);
  }
  return yogaMaskError(error, message, false);
}

/**
 * Validation errors (graphql-armor's included) are returned by Yoga without passing `maskError`:
 * this gives every error of every result the same treatment just before it is sent.
 */
export function usePublicErrors(): Plugin {
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result)) setResult(result.map(publicResult));
      else if (!isAsyncIterable(result)) setResult(publicResult(result));
    },
  };
}

function publicResult<T extends { errors?: readonly GraphQLError[] }>(result: T): T {
  if (!result.errors?.length) return result;
  return { ...result, errors: result.errors.map((error) => (error instanceof GraphQLError ? publicGraphQLError(error) : error)) };
}

/** Keeps a GraphQL error's message and location; ensures a public code; strips suggestions. */
function publicGraphQLError(error: GraphQLError): GraphQLError {
  const code = error.extensions.code;
  const message = withoutSuggestions(error.message);
  if (typeof code === 'string' && Object.hasOwn(ERROR_CODES, code) && message === error.message) return error;
  return createGraphQLError(message, {
    ...locationOf(error),
    originalError: error.originalError ?? undefined,
    extensions: { ...error.extensions, code: typeof code === 'string' && Object.hasOwn(ERROR_CODES, code) ? code : codeForHttpStatus(error) },
  });
}

/**
 * graphql-js suggests names ("Did you mean \"subject\"?", "Did you mean the enum value …?") in
 * validation and in variable coercion messages: that lists schema members to a caller who may not
 * introspect. graphql-armor's blocker covers validation only
 * (https://github.com/Escape-Technologies/graphql-armor/tree/main/packages/plugins/block-field-suggestions;
 * test/reliability/corpus.test.ts checks that no answer suggests a name).
 */
function withoutSuggestions(message: string): string {
  return message.replace(/\s*Did you mean [^?]*\?/g, '');
}

function extensionsOf(error: GatewayError): GraphQLError['extensions'] {
  if (error instanceof PartialUpdateError) {
    return { ...extensionsOf(error.failure), updatedFields: error.updatedFields, failedFields: error.failedFields };
  }
  if (!(error instanceof UpstreamError)) return { code: error.code };
  return {
    code: error.code,
    ...(error.graph ? { graphApi: error.graph } : {}),
    ...(error.retryAfterSeconds !== undefined ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
  };
}

function locationOf(error: unknown) {
  if (!(error instanceof GraphQLError)) return {};
  return { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path };
}

function codeForHttpStatus(error: GraphQLError): ErrorCode {
  const status = (error.extensions.http as { status?: number } | undefined)?.status;
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  return 'BAD_USER_INPUT';
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/**
 * Yoga logs every error that masking rewrote at level error. Errors the gateway meant to show its
 * caller (a GatewayError, GraphQL's own syntax/validation errors) are not faults: the operation's
 * log line already carries their codes. Everything else is.
 */
export function isExpectedError(error: unknown): boolean {
  if (error instanceof GatewayError) return true;
  if (!(error instanceof GraphQLError)) return false;
  const original = error.originalError;
  return !original || original instanceof GatewayError || original instanceof GraphQLError;
}
