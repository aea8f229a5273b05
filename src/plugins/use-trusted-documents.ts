import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { createGraphQLError, type GraphQLParams, type Plugin } from 'graphql-yoga';
import type { TrustedDocuments } from '../trusted-documents.js';

export interface TrustedDocumentsPluginOptions {
  documents: TrustedDocuments;
  /** false: only the trusted documents run; a request with a query text is refused. */
  allowArbitraryOperations: boolean;
}

/**
 * Trusted documents with Yoga's persisted-operations plugin. A request names its document by
 * `documentId` (GraphQL Code Generator, Hive, Relay) or by Apollo's
 * `extensions.persistedQuery.sha256Hash`; the id is looked up before anything is parsed, so an
 * unknown id or a refused query text costs no parsing.
 */
export function useTrustedDocuments({ documents, allowArbitraryOperations }: TrustedDocumentsPluginOptions): Plugin {
  return usePersistedOperations({
    allowArbitraryOperations,
    getPersistedOperation: (id) => documents.get(id) ?? null,
    extractPersistedOperationId: documentIdOf,
    customErrors: {
      notFound: () =>
        createGraphQLError('Unknown document id: this gateway runs only the documents it was deployed with', {
          extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', http: { status: 400 } },
        }),
      persistedQueryOnly: () =>
        createGraphQLError('This gateway runs only trusted documents: send `documentId` instead of `query`', {
          extensions: { code: 'PERSISTED_QUERY_ONLY', http: { status: 400 } },
        }),
      keyNotFound: () =>
        createGraphQLError('Send `documentId` (or `extensions.persistedQuery.sha256Hash`)', {
          extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
        }),
    },
  });
}

/** `documentId`, else Apollo's persisted-query hash; only a short string counts. */
function documentIdOf(params: GraphQLParams & { documentId?: unknown }): string | null {
  const apollo = (params.extensions?.persistedQuery as { version?: unknown; sha256Hash?: unknown } | undefined) ?? undefined;
  const id = params.documentId ?? (apollo?.version === 1 ? apollo.sha256Hash : undefined);
  return typeof id === 'string' && id.length > 0 && id.length <= 200 ? id : null;
}
