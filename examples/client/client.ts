import type { TypedDocumentNode } from '@graphql-typed-document-node/core';

/** What the client preset adds to each document when `persistedDocuments` is on. */
interface PersistedDocument {
  __meta__?: { hash?: string };
}

export interface GraphQLResult<TData> {
  data?: TData | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/**
 * A minimal trusted-documents client: it sends only the document's hash (`documentId`) and the
 * variables, never the query text, as a gateway started with PERSISTED_DOCUMENTS expects.
 */
export async function execute<TData, TVariables>(
  endpoint: string,
  token: string,
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
): Promise<GraphQLResult<TData>> {
  const documentId = (document as PersistedDocument).__meta__?.hash;
  if (!documentId) throw new Error('This document has no hash: run `npm run codegen` (persistedDocuments: true)');
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ documentId, variables }),
  });
  return (await response.json()) as GraphQLResult<TData>;
}
