import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Generated from the committed schema.graphql; `npm run codegen` writes both targets and
 * `npm run codegen:check` (in CI) fails when either is stale.
 * - examples/client/gql/: the example frontend's typed documents and its trusted documents file
 *   (persisted-documents.json: sha256 hash → document), which the gateway loads with
 *   PERSISTED_DOCUMENTS. Committed: it is what a frontend would ship.
 * - test/gql/: typed documents for the operations the tests send. Not committed (.gitignore): the
 *   same client code would be committed twice; `npm test` and `npm run typecheck` write it first
 *   (`npm run codegen:tests`, which sets CODEGEN_ONLY=tests).
 */
/** How both targets type the schema's scalars and enums. */
const clientConfig = {
  scalars: { Upload: 'File', DateTime: 'string', URL: 'string', JSON: 'unknown' },
  enumsAsTypes: true,
  useTypeImports: true,
};

const targets: CodegenConfig['generates'] = {
  'test/gql/': {
    documents: ['test/**/*.ts', '!test/gql/**'],
    preset: 'client',
    config: clientConfig,
    presetConfig: { fragmentMasking: false },
  },
  'examples/client/gql/': {
    documents: ['examples/client/**/*.ts', '!examples/client/gql/**'],
    preset: 'client',
    config: clientConfig,
    presetConfig: { fragmentMasking: false, persistedDocuments: { hashAlgorithm: 'sha256' } },
  },
};

const only = process.env.CODEGEN_ONLY === 'tests' ? 'test/gql/' : undefined;

const config: CodegenConfig = {
  schema: 'schema.graphql',
  ignoreNoDocuments: true,
  emitLegacyCommonJSImports: false,
  generates: only ? { [only]: targets[only]! } : targets,
};

export default config;
