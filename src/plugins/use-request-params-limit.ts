import { createGraphQLError, type GraphQLParams, type Plugin } from 'graphql-yoga';

export interface RequestParamsLimitPluginOptions {
  /** MAX_QUERY_BYTES: the longest query string (UTF-8 bytes) that is parsed. */
  maxQueryBytes?: number;
  /** The longest `operationName`: GraphQL names are identifiers, not payloads. */
  maxOperationNameLength?: number;
}

/**
 * Checks the GraphQL parameters as soon as they are read, whatever carried them (JSON POST, GET query
 * string, a multipart `operations` field), before they are parsed, cached or logged:
 * - a query string longer than `maxQueryBytes` is refused with HTTP 413: its size costs parsing time
 *   and cache memory even when it is mostly a comment or a string literal, which the token limit
 *   does not count;
 * - an `operationName` that is not a string, or longer than `maxOperationNameLength`, is refused
 *   (graphql-js would echo it whole in "Unknown operation named …", and the request log would
 *   carry it).
 * Both are BAD_USER_INPUT request errors.
 */
export function useRequestParamsLimit({ maxQueryBytes = 64 * 1024, maxOperationNameLength = 256 }: RequestParamsLimitPluginOptions = {}): Plugin {
  const check = (params: GraphQLParams) => {
    const { query, operationName } = params as { query?: unknown; operationName?: unknown };
    if (typeof query === 'string' && query.length * 3 > maxQueryBytes) {
      const bytes = Buffer.byteLength(query);
      if (bytes > maxQueryBytes) {
        throw refusal(413, `The query is ${bytes} bytes long; at most ${maxQueryBytes} bytes are allowed (MAX_QUERY_BYTES)`);
      }
    }
    if (operationName !== undefined && operationName !== null) {
      if (typeof operationName !== 'string') throw refusal(400, 'operationName must be a string');
      if (operationName.length > maxOperationNameLength) {
        throw refusal(400, `operationName is ${operationName.length} characters long; at most ${maxOperationNameLength} are allowed`);
      }
    }
  };
  return {
    onRequestParse() {
      return {
        onRequestParseDone({ requestParserResult }) {
          for (const params of Array.isArray(requestParserResult) ? requestParserResult : [requestParserResult]) {
            if (params && typeof params === 'object') check(params);
          }
        },
      };
    },
  };
}

function refusal(status: number, message: string) {
  return createGraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status } } });
}
