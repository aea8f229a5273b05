import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Generated from the committed schema.graphql; `npm run codegen` writes both targets and
 * `npm run codegen:check` (in CI) fails when either is stale.
 * - test/gql/: typed documents for the operations the tests send.
 * - examples/client/gql/: the example frontend's typed documents and its trusted documents file
 *   (persisted-documents.json: sha256 hash → document), which the gateway loads with PERSISTED_DOCUMENTS.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  ignoreNoDocuments: true,
  emitLegacyCommonJSImports: false,
  generates: {
    'test/gql/': {
      documents: ['test/**/*.ts', '!test/gql/**'],
      preset: 'client',
      config: {
        scalars: { Upload: 'File', DateTime: 'string', URL: 'string', JSON: 'unknown' },
        enumsAsTypes: true,
        useTypeImports: true,
      },
      presetConfig: { fragmentMasking: false },
    },
    'examples/client/gql/': {
      documents: ['examples/client/**/*.ts', '!examples/client/gql/**'],
      preset: 'client',
      config: {
        scalars: { Upload: 'File', DateTime: 'string', URL: 'string', JSON: 'unknown' },
        enumsAsTypes: true,
        useTypeImports: true,
      },
      presetConfig: { fragmentMasking: false, persistedDocuments: { hashAlgorithm: 'sha256' } },
    },
  },
};

export default config;
