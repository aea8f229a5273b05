/**
 * `npm run bench:observability`: what metrics and tracing cost on scenario (a), measured as
 * same-run ratios. Four processes serve (a) from one sandbox (0 ms latency): the gateway with
 * metrics and tracing off (the baseline), with metrics on (the default), with tracing on (OTLP/HTTP
 * protobuf to a sink that answers 200), and the bare proxy. They are measured in interleaved
 * slices (rotating order), so that a busy machine slows each of them alike.
 * BENCH_ROUNDS (default 8) slices of BENCH_SLICE_S (default 2) seconds each, BENCH_CONNECTIONS (10).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { seedFixture } from './fixture.js';
import { LoadGenerator, type LoadRequest } from './load.js';
import { freePort, startNode, type Started } from '../support/processes.js';
import { SandboxAdmin } from './sandbox-admin.js';
import { SCENARIOS, type HttpCall } from './scenarios.js';
import { startBareProxy, startSandbox } from './servers.js';
import { readSettings } from './settings.js';
import { cpuSeconds } from '../support/proc-stats.js';
import { percentile } from './stats.js';

const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 0.5);

const dist = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const settings = { ...readSettings(), rounds: Number(process.env.BENCH_ROUNDS ?? 8), sliceSeconds: Number(process.env.BENCH_SLICE_S ?? 2) };

async function startVariant(name: string, sandboxUrl: string, env: Record<string, string>): Promise<Started & { url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = await startNode({
    name,
    script: dist('src/main.js'),
    env: {
      NODE_ENV: 'production',
      GRAPHQL_INTROSPECTION: 'true',
      UPSTREAM_MAX_QUEUE: '4096',
      HOST: '127.0.0.1',
      PORT: String(port),
      GRAPH_API_URL: sandboxUrl,
      UPSTREAM_CONNECTIONS: String(settings.upstreamConnections),
      ...env,
    },
    readyUrl: `${url}/health`,
    quiet: true,
  });
  return { ...started, url };
}

/** An OTLP/HTTP collector that reads and drops every export. */
async function startSink(): Promise<{ url: string; exports: () => number; close(): void }> {
  let count = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      count++;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, exports: () => count, close: () => server.close() };
}

const sandbox = await startSandbox(0, settings);
const sink = await startSink();
const admin = new SandboxAdmin(sandbox.url);
const fixture = await seedFixture(admin, settings, 2);
const scenarioA = SCENARIOS.find((s) => s.key === 'a')!;
const gatewayCall = scenarioA.build('gateway', fixture) as HttpCall;
const proxyCall = scenarioA.build('proxy', fixture) as HttpCall;

const servers = [
  { label: 'gateway, metrics off, tracing off (baseline)', server: await startVariant('G0', sandbox.url, { METRICS: 'false' }), call: gatewayCall },
  { label: 'gateway, metrics on (default)', server: await startVariant('GM', sandbox.url, {}), call: gatewayCall },
  {
    label: 'gateway, tracing on (OTLP http/protobuf), metrics off',
    server: await startVariant('GT', sandbox.url, { METRICS: 'false', OTEL_EXPORTER_OTLP_ENDPOINT: sink.url }),
    call: gatewayCall,
  },
  { label: 'bare proxy', server: await startBareProxy(sandbox.url, settings), call: proxyCall },
];

const load = new LoadGenerator();
const request = (i: number, durationSeconds: number, amount?: number): LoadRequest => ({
  ...servers[i]!.call,
  url: servers[i]!.server.url + servers[i]!.call.path,
  connections: settings.connections,
  durationSeconds,
  ...(amount ? { amount } : {}),
});

const rates = servers.map(() => [] as number[]);
/** Server CPU milliseconds per operation, per slice: less sensitive than req/s to a busy machine. */
const cpuPerOp = servers.map(() => [] as number[]);
try {
  for (let i = 0; i < servers.length; i++) {
    await load.run({ ...request(i, settings.warmupSeconds), connections: 50 });
    const warm = await load.run(request(i, 1));
    rates[i]!.push(warm.ok / warm.durationSeconds);
  }
  for (let round = 0; round < settings.rounds; round++) {
    for (let k = 0; k < servers.length; k++) {
      const i = (round + k) % servers.length;
      const amount = Math.max(100, Math.round(median(rates[i]!) * settings.sliceSeconds));
      const cpuBefore = cpuSeconds(servers[i]!.server.pid);
      const result = await load.run(request(i, settings.sliceSeconds * 4, amount));
      cpuPerOp[i]!.push(((cpuSeconds(servers[i]!.server.pid) - cpuBefore) * 1000) / result.ok);
      if (result.non2xx || result.errors || result.mismatches) throw new Error(`${servers[i]!.label}: failures in a slice`);
      rates[i]!.push(result.ok / result.durationSeconds);
    }
    await admin.clearRequests();
  }
  const measured = rates.map((r) => r.slice(1));
  const baseline = median(measured[0]!);
  const proxy = median(measured[3]!);
  process.stdout.write(`\nScenario (a), 0 ms upstream, ${settings.connections} connections, ${settings.rounds} interleaved slices of ${settings.sliceSeconds} s (median req/s):\n\n`);
  const baselineCpu = median(cpuPerOp[0]!);
  process.stdout.write('| server | req/s | vs baseline | vs bare proxy | CPU ms/op | CPU vs baseline |\n|---|---|---|---|---|---|\n');
  servers.forEach(({ label }, i) => {
    const rps = median(measured[i]!);
    const cpu = median(cpuPerOp[i]!);
    process.stdout.write(
      `| ${label} | ${rps.toFixed(0)} | ${((rps / baseline) * 100).toFixed(1)} % | ${((rps / proxy) * 100).toFixed(1)} % | ${cpu.toFixed(3)} | ${((cpu / baselineCpu) * 100).toFixed(1)} % |\n`,
    );
  });
  process.stdout.write(`\nOTLP exports received by the sink: ${sink.exports()}\n`);
} finally {
  load.close();
  for (const { server } of servers) await server.stop();
  await sandbox.stop();
  sink.close();
}
