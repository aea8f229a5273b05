import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql 16 ships CJS (`main`) and ESM (`module`) builds. Node resolves `main` for everyone, Vite
    // prefers `module`: then CJS dependencies (@apollo/subgraph) and ESM code hold two "realms" of
    // graphql and schemas fail `instanceof`. Pin the one Node itself uses.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start real loopback servers; two cores, so keep files parallel but bounded.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
