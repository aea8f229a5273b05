import { GraphQLError } from 'graphql';
import { createGraphQLError, maskError as yogaMaskError, type Plugin } from 'graphql-yoga';
import { ERROR_CODES, GatewayError, PartialUpdateError, type ErrorCode } from '../errors.js';
import { UpstreamError, type GraphErrorDetails } from '../graph/errors.js';

declare module 'graphql' {
  interface GraphQLErrorExtensions {
    code?: ErrorCode | string;
    /** The Graph API error envelope's fields, where the upstream sent one. */
    graphApi?: GraphErrorDetails;
    /** For RATE_LIMITED: seconds until the Graph API says access is regained. */
    retryAfterSeconds?: number;
    /** For an update applied in part: the parts that changed, and those that did not. */
    updatedFields?: readonly string[];
    failedFields?: readonly string[];
  }
}

/**
 * Yoga's `maskedErrors.maskError`: the one place where errors become what clients see.
 * - GatewayError (incl. UpstreamError) → its message, `extensions.code`, `extensions.graphApi`.
 * - GraphQL's own errors (syntax, validation, variable coercion, HTTP-level) keep their message
 *   and get a code from our table: BAD_USER_INPUT unless their HTTP status says otherwise (Yoga's
 *   GRAPHQL_PARSE_FAILED and GRAPHQL_VALIDATION_FAILED become BAD_USER_INPUT too).
 * - Anything else is a bug: masked as "Unexpected error." (INTERNAL_SERVER_ERROR), never a stack.
 */
export function maskGatewayError(error: unknown, message: string): Error {
  const original = error instanceof GraphQLError ? error.originalError : error;
  if (original instanceof GatewayError) {
    return createGraphQLError(original.message, { ...locationOf(error), extensions: extensionsOf(original) });
  }
  if (error instanceof GraphQLError && (!error.originalError || error.originalError instanceof GraphQLError)) {
    if (typeof error.extensions.code === 'string' && error.extensions.code in ERROR_CODES) return error;
    return createGraphQLError(error.message, {
      ...locationOf(error),
      originalError: error.originalError ?? undefined,
      extensions: { ...error.extensions, code: codeForHttpStatus(error) },
    });
  }
  return yogaMaskError(error, message, false);
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

/**
 * Validation errors never pass through `maskError`: Yoga returns them as they are, with its own
 * GRAPHQL_VALIDATION_FAILED code (set with `||=` by a later plugin). This gives them ours first.
 */
export function useValidationErrorCode(): Plugin {
  return {
    onValidate: () => ({ valid, result }) => {
      if (valid) return;
      for (const error of result) {
        (error.extensions as { code?: string }).code ??= 'BAD_USER_INPUT';
      }
    },
  };
}
