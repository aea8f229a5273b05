/**
 * `npm run bench`: for each upstream latency, start the sandbox, then for each scenario measure
 * the sandbox called directly (the floor), the bare proxy (the ceiling for any Node gateway) and
 * the gateway, back to back and each in a fresh process; then print the table and write
 * bench/results/latest.{md,json}.
 */
import { cpus, loadavg, release, totalmem } from 'node:os';
import { GROUPS, seedFixture, TOKEN } from './fixture.js';
import { LoadGenerator } from './load.js';
import { measureGroup, type Contender, type Measurement } from './measure.js';
import { cpuRatio, entitiesFanIn, pushdown, upstreamOf } from './checks.js';
import { detectMutations } from './gateway-schema.js';
import { writeResults } from './report.js';
import type { BenchResults } from './results.js';
import { SandboxAdmin } from './sandbox-admin.js';
import { SCENARIOS, TARGETS, type Fixture, type HttpCall, type Scenario, type Target } from './scenarios.js';
import { startBareProxy, startGateway, startPlainYoga, startSandbox, type Server } from './servers.js';
import { readSettings, type BenchSettings } from './settings.js';


async function main(): Promise<void> {
  const settings = readSettings();
  if (settings.pinUnavailable) log(`not pinned: ${settings.pinUnavailable}`);
  const started = Date.now();
  const results: BenchResults = {
    startedAt: new Date(started).toISOString(),
    machine: machine(),
    settings,
    measurements: [],
    checks: {},
  };
  const load = new LoadGenerator({ cpus: settings.pin ? '0' : undefined });
  try {
    for (const latencyMs of settings.latencies) await pass(latencyMs, settings, load, results);
  } finally {
    load.close();
  }
  results.elapsedSeconds = (Date.now() - started) / 1000;
  const { markdown, files } = await writeResults(results);
  process.stdout.write(`\n${markdown}\nWritten: ${files.join(', ')}\n`);
}

/** Everything at one upstream latency, against one sandbox process. */
async function pass(latencyMs: number, settings: BenchSettings, load: LoadGenerator, results: BenchResults): Promise<void> {
  log(`upstream latency ${latencyMs} ms: starting the sandbox`);
  const sandbox = await startSandbox(latencyMs, settings);
  try {
    const admin = new SandboxAdmin(sandbox.url);
    const fixture = await seedFixture(admin, settings, GROUPS);
    await withServer(startGateway(sandbox.url, settings), async (gateway) => {
      fixture.mutations = await detectMutations(gateway.url, TOKEN);
      if (latencyMs === settings.latencies[0]) await runChecks(admin, sandbox, gateway, fixture, results);
      if (latencyMs === 0 && settings.scenarios.includes('a') && settings.scenarios.includes('b')) {
        log('check: gateway CPU of (b) against (a), interleaved on one process');
        const [a, b] = (['a', 'b'] as const).map((key) => SCENARIOS.find((s) => s.key === key)!.build('gateway', fixture) as HttpCall);
        results.checks.cpuRatio = await cpuRatio(load, gateway, { a: a!, b: b! }, { connections: settings.connections, seconds: settings.sliceSeconds, rounds: 4 });
      }
    });
    const baselines = new Map<string, Measurement>();
    for (const scenario of SCENARIOS.filter((s) => settings.scenarios.includes(s.key))) {
      const connections = scenario.connections ?? settings.connections;
      const group = { latencyMs, scenario, settings, load, admin, sandbox, fixture, baselines };
      results.measurements.push(...(await runScenario({ ...group, connections })));
      // The latency-overhead row: one connection, so the figure is latency, not queueing.
      if (scenario.key === 'a') results.measurements.push(...(await runScenario({ ...group, connections: 1 })));
    }
  } finally {
    await sandbox.stop();
  }
}

interface ScenarioRun {
  latencyMs: number;
  scenario: Scenario;
  connections: number;
  settings: BenchSettings;
  load: LoadGenerator;
  admin: SandboxAdmin;
  sandbox: Server;
  fixture: Fixture;
  /** Baseline rows by call, so (c), whose REST call is (b)'s, is not measured twice. */
  baselines: Map<string, Measurement>;
}

/** D, P and G for one scenario, with a fresh proxy and gateway process each. */
async function runScenario(run: ScenarioRun): Promise<Measurement[]> {
  const { latencyMs, scenario, connections, settings } = run;
  const base = { latencyMs, scenario: scenario.key, connections };
  const label = `${latencyMs} ms  (${scenario.key}) ${connections} conn`;
  const rows = new Map<Target, Measurement>();
  const calls = new Map<Target, HttpCall>();
  for (const target of TARGETS) {
    // The one-connection row is about added latency (issue 6's target, judged against D and P).
    const call = target === 'plain' && connections === 1 ? { skipped: 'not measured on one connection' } : scenario.build(target, run.fixture);
    if ('skipped' in call) {
      rows.set(target, { ...base, target, skipped: call.skipped });
      continue;
    }
    const earlier = isRestBaseline(target) ? run.baselines.get(baselineKey(target, connections, call)) : undefined;
    if (earlier) rows.set(target, { ...earlier, scenario: scenario.key, sameAs: earlier.scenario });
    else calls.set(target, call);
  }
  if (rows.has('gateway')) log(`${label}: ${rows.get('gateway')?.skipped}`);
  const servers: Server[] = [];
  try {
    const contenders: Contender[] = [];
    for (const [target, call] of calls) {
      const profile = `${target}-${scenario.key}-${latencyMs}ms-${connections}c`;
      const server = target === 'direct' ? undefined : await START[target](run.sandbox.url, settings, profile);
      if (server) servers.push(server);
      contenders.push({ target, call, baseUrl: server?.url ?? run.sandbox.url, pid: server?.pid });
    }
    if (contenders.length > 0) {
      const group = { ...base, contenders, ...(scenario.memory ? { oneInFlightFirst: true } : {}) };
      for (const row of await measureGroup(group, run.load, run.admin, settings)) {
        rows.set(row.target, row);
        log(
          `${label} ${row.target.padEnd(7)}: ${row.skipped ?? `${row.rps?.toFixed(0)} req/s, p50 ${row.p50Ms?.toFixed(2)} ms, CPU ${row.cpuPer1k?.toFixed(3) ?? '–'} ms/op, ${row.upstreamRequestsPerOp?.toFixed(3)} upstream req/op`}`,
        );
        if (isRestBaseline(row.target) && !row.skipped) run.baselines.set(baselineKey(row.target, connections, calls.get(row.target)!), row);
      }
    }
  } finally {
    for (const server of servers) await server.stop();
  }
  return TARGETS.map((target) => rows.get(target)!);
}

const START: Record<Exclude<Target, 'direct'>, (sandboxUrl: string, settings: BenchSettings, profile: string) => Promise<Server>> = {
  proxy: startBareProxy,
  plain: startPlainYoga,
  gateway: startGateway,
  gatewayB: startGateway,
};

/** Baselines that take the REST call, which (b) and (c) share. */
function isRestBaseline(target: Target): boolean {
  return target === 'direct' || target === 'proxy';
}

function baselineKey(target: Target, connections: number, call: HttpCall): string {
  return `${target}|${connections}|${call.method} ${call.path}|${call.body ? Buffer.from(call.body).toString('base64') : ''}`;
}

async function runChecks(admin: SandboxAdmin, sandbox: Server, gateway: Server, fixture: Fixture, results: BenchResults): Promise<void> {
  log('checks: upstream equivalence, field pushdown, _entities fan-in');
  results.checks.equivalence = [];
  for (const scenario of SCENARIOS) {
    const gatewayCall = scenario.build('gateway', fixture);
    const restCall = scenario.build('direct', fixture);
    if ('skipped' in gatewayCall) continue;
    const expectedRequests = scenario.upstreamRequests;
    if ('skipped' in restCall && expectedRequests === undefined) continue;
    try {
      const viaGateway = await upstreamOf(admin, gateway.url, gatewayCall);
      // Without a REST baseline, the expected request count is what there is to confirm.
      const direct = 'skipped' in restCall ? undefined : await upstreamOf(admin, sandbox.url, restCall);
      const countOk = expectedRequests === undefined || viaGateway.length === expectedRequests;
      const same = countOk && (direct === undefined || viaGateway.join('|') === direct.join('|'));
      results.checks.equivalence.push({ scenario: scenario.key, gateway: viaGateway, direct: direct ?? [], noBaseline: direct === undefined, expectedRequests, same });
    } catch (error) {
      results.checks.equivalence.push({ scenario: scenario.key, gateway: [], direct: [], expectedRequests, same: false, error: (error as Error).message });
    }
  }
  results.checks.pushdown = await pushdown(admin, gateway.url, fixture);
  results.checks.entities = await entitiesFanIn(admin, gateway.url, fixture, fixture.groupIds.slice(0, GROUPS));
}

async function withServer<T>(starting: Promise<Server>, use: (server: Server) => Promise<T>): Promise<T> {
  const server = await starting;
  try {
    return await use(server);
  } finally {
    await server.stop();
  }
}

function machine(): BenchResults['machine'] {
  const list = cpus();
  return {
    cpu: list[0]?.model ?? 'unknown',
    cpus: list.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    kernel: release(),
    loadAverageAtStart: loadavg().map((value) => Math.round(value * 100) / 100),
  };
}

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
