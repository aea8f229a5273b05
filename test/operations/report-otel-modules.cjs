// Preloaded (NODE_OPTIONS=--require) into a gateway process by tracing.test.ts: at exit, prints
// which OpenTelemetry packages the process loaded (they are CommonJS, so all are in require.cache).
process.on('exit', () => {
  const packages = Object.keys(require.cache)
    .map((file) => /node_modules\/(@opentelemetry\/[^/]+)\//.exec(file)?.[1])
    .filter(Boolean);
  process.stderr.write(`otel packages loaded: ${JSON.stringify([...new Set(packages)].sort())}\n`);
});
