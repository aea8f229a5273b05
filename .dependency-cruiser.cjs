/**
 * The layout's import rule (docs/architecture.md, "Which way imports go"): no cycles, and no import
 * that climbs back up the layers. Run by `npm run lint:imports` (and so by .ci/run).
 * Rule format: https://github.com/sverweij/dependency-cruiser/blob/main/doc/rules-reference.md
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes two modules one concept in two files: cut it by moving the shared part down.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'graph-not-schema',
      severity: 'error',
      comment: 'graph/ is the upstream and knows nothing of GraphQL: it never imports schema/ or graphql.',
      from: { path: '^src/graph/' },
      to: { path: ['^src/schema/', '^node_modules/graphql/'] },
    },
    {
      name: 'events-below-webhooks',
      severity: 'error',
      comment: 'The webhook route hands group changes to events/; events/ never reads webhooks/.',
      from: { path: '^src/events/' },
      to: { path: '^src/webhooks/' },
    },
    {
      name: 'plugins-not-schema',
      severity: 'error',
      comment: 'Yoga plugins are endpoint-agnostic: they never import the schema.',
      from: { path: '^src/plugins/' },
      to: { path: '^src/schema/' },
    },
    {
      name: 'sandbox-apart',
      severity: 'error',
      comment: 'The sandbox shares no code with the gateway, so the two cannot hide each other\'s bugs.',
      from: { path: '^src/sandbox/' },
      to: { path: '^src/', pathNot: ['^src/sandbox/'] },
    },
    {
      name: 'gateway-not-sandbox',
      severity: 'error',
      comment: 'Only the process entry (main.ts and the GraphiQL walkthrough) knows the sandbox.',
      from: { path: '^src/', pathNot: ['^src/sandbox/', '^src/main\\.ts$', '^src/sandbox-graphiql\\.ts$'] },
      to: { path: '^src/sandbox/' },
    },
    {
      name: 'src-not-outside',
      severity: 'error',
      comment: 'The product never imports tests, benchmarks, scripts or examples.',
      from: { path: '^src/' },
      to: { path: '^(test|bench|scripts|examples|support)/' },
    },
    {
      name: 'tools-not-tests',
      severity: 'error',
      comment: 'Scripts, the benchmark and the shared support module do not import tests; what they share lives in support/.',
      from: { path: '^(scripts|bench|support|examples)/' },
      to: { path: '^test/' },
    },
    {
      name: 'support-not-tools',
      severity: 'error',
      comment: 'support/ is below the tests, scripts and benchmark that use it.',
      from: { path: '^support/' },
      to: { path: '^(bench|scripts|examples)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^dist/', '^node_modules/'] },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.json'] },
  },
};
