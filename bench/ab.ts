/**
 * `npm run bench:ab`: is gateway B cheaper than gateway A? Both run pinned on CPU 1 (one at a time
 * under load), the sandbox and load generator on CPU 0; for each scenario, slices of A and B
 * alternate in one run, so the noise of a shared machine hits both alike, and the verdict is a
 * ratio (B / A) of CPU ms per operation: the median over every pair of adjacent slices.
 *
 *   BENCH_AB_A, BENCH_AB_B             entry scripts (default dist/src/main.js); e.g. a copy of the
 *                                      baseline build: `npx tsc -p tsconfig.build.json --outDir dist-ab/base`
 *   BENCH_AB_A_ENV, BENCH_AB_B_ENV     extra env for that side, "KEY=value KEY2=value"
 *   BENCH_AB_A_NODE_ARGS, …_B_…        extra node flags for that side
 *   BENCH_AB_REPEATS (2)               fresh A/B process pairs per scenario
 *   BENCH_SCENARIOS (a,b), BENCH_ROUNDS (10), BENCH_SLICE_S, BENCH_WARMUP_S, BENCH_CONNECTIONS as for `npm run bench`
 */
import { fileURLToPath } from 'node:url';
import { GROUPS, seedFixture } from './fixture.js';
import { detectMutations } from './gateway-schema.js';
import { LoadGenerator } from './load.js';
import { cpuSeconds, rssBytes } from '../support/proc-stats.js';
import { SandboxAdmin } from './sandbox-admin.js';
import { SCENARIOS, type HttpCall } from './scenarios.js';
import { startGateway, startSandbox, type GatewayVariant, type Server } from './servers.js';
import { readSettings, type BenchSettings } from './settings.js';
import { median } from './stats.js';
import { warmUntilSteady } from './warm-up.js';

const defaultEntry = fileURLToPath(new URL('../src/main.js', import.meta.url));

function variant(side: 'A' | 'B'): GatewayVariant {
  const env = Object.fromEntries(
    (process.env[`BENCH_AB_${side}_ENV`] ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
  return {
    name: `gateway ${side}`,
    entry: process.env[`BENCH_AB_${side}`] || defaultEntry,
    env,
    nodeArgs: (process.env[`BENCH_AB_${side}_NODE_ARGS`] ?? '').split(/\s+/).filter(Boolean),
  };
}

async function main(): Promise<void> {
  const settings = readSettings({ BENCH_SCENARIOS: 'a,b', BENCH_ROUNDS: '10', ...process.env });
  const repeats = Math.max(1, Number(process.env.BENCH_AB_REPEATS ?? 2));
  const [a, b] = [variant('A'), variant('B')];
  log(`A: ${describe(a)}\nB: ${describe(b)}\npinned: ${settings.pin ? 'yes' : `no (${settings.pinUnavailable ?? 'BENCH_PIN=0'})`}`);
  const load = new LoadGenerator({ cpus: settings.pin ? '0' : undefined });
  const sandbox = await startSandbox(0, settings);
  const lines: string[] = [];
  try {
    const admin = new SandboxAdmin(sandbox.url);
    const fixture = await seedFixture(admin, settings, GROUPS);
    const probe = await startGateway(sandbox.url, settings, undefined, a);
    fixture.mutations = await detectMutations(probe.url, fixture.token);
    await probe.stop();
    for (const scenario of SCENARIOS.filter((s) => settings.scenarios.includes(s.key))) {
      const call = scenario.build('gateway', fixture);
      if ('skipped' in call) continue;
      const ratios: number[] = [];
      const perSide = { A: [] as number[], B: [] as number[] };
      const rss = { A: [] as number[], B: [] as number[] };
      for (let i = 0; i < repeats; i++) {
        const servers: Server[] = [];
        try {
          servers.push(await startGateway(sandbox.url, settings, undefined, a), await startGateway(sandbox.url, settings, undefined, b));
          const run = await alternate(call, { A: servers[0]!, B: servers[1]! }, load, settings);
          ratios.push(...run.ratios);
          perSide.A.push(run.cpuMsPerOp.A);
          perSide.B.push(run.cpuMsPerOp.B);
          rss.A.push(rssBytes(servers[0]!.pid));
          rss.B.push(rssBytes(servers[1]!.pid));
          log(`(${scenario.key}) pair ${i + 1}: CPU ms/op A ${run.cpuMsPerOp.A.toFixed(3)}, B ${run.cpuMsPerOp.B.toFixed(3)}; per-round B/A ${run.ratios.map((r) => r.toFixed(2)).join(' ')}`);
        } finally {
          for (const server of servers) await server.stop();
        }
      }
      const sorted = [...ratios].sort((x, y) => x - y);
      const quartile = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
      lines.push(
        `(${scenario.key}) ${scenario.title}: CPU ms/op A ${median(perSide.A).toFixed(3)}, B ${median(perSide.B).toFixed(3)}; ` +
          `B/A median of ${ratios.length} adjacent slice pairs **${median(ratios).toFixed(3)}** (IQR ${quartile(0.25).toFixed(3)}–${quartile(0.75).toFixed(3)}); ` +
          `RSS after: A ${mb(median(rss.A))} MB, B ${mb(median(rss.B))} MB`,
      );
    }
  } finally {
    load.close();
    await sandbox.stop();
  }
  process.stdout.write(`\nA: ${describe(a)}\nB: ${describe(b)}\n${lines.join('\n')}\n`);
}

/**
 * Warms both, then alternates slices of A and B (order flipped each round) and returns, per round,
 * B's CPU per operation over A's: adjacent slices share the machine's state of the moment, so the
 * median of these ratios resists the bursts other processes cause far better than totals do.
 */
async function alternate(call: HttpCall, servers: Record<'A' | 'B', Server>, load: LoadGenerator, settings: BenchSettings) {
  const request = (server: Server, durationSeconds: number, connections = settings.connections, amount?: number) => ({
    ...call,
    url: server.url + call.path,
    connections,
    durationSeconds,
    ...(amount ? { amount } : {}),
  });
  const rates = { A: 0, B: 0 };
  for (const side of ['A', 'B'] as const) {
    // At the measured concurrency: at 0 ms upstream latency 10 connections keep the process busy,
    // and more would push a pinned process on a shared core into upstream timeouts (error paths).
    await warmUntilSteady(load, servers[side].pid, request(servers[side], 0), { warmupSeconds: settings.warmupSeconds, maxSeconds: settings.warmupMaxSeconds });
    const warm = await load.run(request(servers[side], 0.4));
    rates[side] = warm.ok / warm.durationSeconds;
  }
  const totals = { A: { cpu: 0, ops: 0 }, B: { cpu: 0, ops: 0 } };
  const ratios: number[] = [];
  // Round -1 is not counted: the first slice after the other side's warm-up reads high.
  for (let round = -1; round < settings.rounds; round++) {
    const perOp = { A: 0, B: 0 };
    for (const side of round % 2 !== 0 ? (['A', 'B'] as const) : (['B', 'A'] as const)) {
      const amount = Math.max(settings.connections * 2, Math.round(rates[side] * settings.sliceSeconds));
      const before = cpuSeconds(servers[side].pid);
      const result = await load.run(request(servers[side], settings.sliceSeconds, settings.connections, amount));
      const cpu = cpuSeconds(servers[side].pid) - before;
      const ops = result.ok - result.mismatches;
      if (result.non2xx + result.errors + result.mismatches > 0) throw new Error(`gateway ${side}: failed requests in a slice`);
      rates[side] = ops / result.durationSeconds;
      perOp[side] = cpu / ops;
      if (round < 0) continue;
      totals[side].cpu += cpu;
      totals[side].ops += ops;
    }
    if (round >= 0) ratios.push(perOp.B / perOp.A);
  }
  return { ratios, cpuMsPerOp: { A: (totals.A.cpu / totals.A.ops) * 1000, B: (totals.B.cpu / totals.B.ops) * 1000 } };
}

function mb(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(0);
}

function describe(side: GatewayVariant): string {
  const env = Object.entries(side.env ?? {}).map(([k, v]) => `${k}=${v}`);
  return [side.entry, ...env, ...(side.nodeArgs ?? [])].join(' ');
}

function log(message: string): void {
  process.stderr.write(`[bench:ab] ${message}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:ab failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
