/**
 * Benchmark settings from the environment, with defaults sized so that `npm run bench` finishes
 * in about a quarter of an hour on 2 cores (most of it warming servers up until they are steady).
 */
import { execFileSync } from 'node:child_process';
import { SCENARIOS, type ScenarioKey } from './scenarios.js';

export interface BenchSettings {
  /** Fixed latency the sandbox adds to every Graph request, one full pass each (BENCH_LATENCIES, "0,20"). */
  latencies: number[];
  scenarios: ScenarioKey[];
  /** Load on each target before measuring (BENCH_WARMUP_S); then more, until its CPU/op is steady (bench/warm-up.ts). */
  warmupSeconds: number;
  /** The most warm-up a target gets (BENCH_WARMUP_MAX_S, 45). */
  warmupMaxSeconds: number;
  /** Measured slices per target, interleaved with the other targets (BENCH_ROUNDS). */
  rounds: number;
  /** Length of one measured slice (BENCH_SLICE_S); a target is measured for rounds × slice seconds. */
  sliceSeconds: number;
  /** Concurrent client connections (BENCH_CONNECTIONS, 10); the upload scenario uses 20. */
  connections: number;
  /** Upstream pool size, the same for the gateway and the bare proxy (UPSTREAM_CONNECTIONS, 64). */
  upstreamConnections: number;
  /**
   * Pinned (default; BENCH_PIN=0 turns it off): each process under test alone on CPU 1, the way a
   * container with a 1-CPU limit runs it; sandbox and load generator on CPU 0. Needs `taskset`
   * (util-linux) and 2 CPUs; without them the run is unpinned and says so.
   */
  pin: boolean;
  /** Why pinning was asked for but is off. */
  pinUnavailable?: string | undefined;
  /** BENCH_NODE_ARGS: extra node flags for every process under test (e.g. --max-semi-space-size=…). */
  nodeArgs: string[];
  /** BENCH_CPU_PROF=1: run gateway and proxy with --cpu-prof into bench/results/profiles. */
  cpuProfile: boolean;
  graphApiVersion: string;
  /** BENCH_GATEWAY_ENTRY: another build's main.js to measure (A/B of a change); default dist/src/main.js. */
  gatewayEntry: string | undefined;
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): BenchSettings {
  const known = SCENARIOS.map((s) => s.key as string);
  const scenarios = list(env.BENCH_SCENARIOS, known.join(','));
  for (const key of scenarios) if (!known.includes(key)) throw new Error(`BENCH_SCENARIOS: unknown scenario ${key}`);
  const pinAsked = env.BENCH_PIN !== '0';
  const pinUnavailable = pinAsked ? whyNoPinning() : undefined;
  return {
    latencies: list(env.BENCH_LATENCIES, '0,20').map((value) => number('BENCH_LATENCIES', value)),
    scenarios: scenarios as ScenarioKey[],
    warmupSeconds: number('BENCH_WARMUP_S', env.BENCH_WARMUP_S ?? '5'),
    warmupMaxSeconds: number('BENCH_WARMUP_MAX_S', env.BENCH_WARMUP_MAX_S ?? '45'),
    rounds: Math.max(1, Math.round(number('BENCH_ROUNDS', env.BENCH_ROUNDS ?? '3'))),
    sliceSeconds: number('BENCH_SLICE_S', env.BENCH_SLICE_S ?? '1'),
    connections: number('BENCH_CONNECTIONS', env.BENCH_CONNECTIONS ?? '10'),
    upstreamConnections: number('UPSTREAM_CONNECTIONS', env.UPSTREAM_CONNECTIONS ?? '64'),
    pin: pinAsked && !pinUnavailable,
    pinUnavailable,
    nodeArgs: (env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean),
    cpuProfile: env.BENCH_CPU_PROF === '1',
    graphApiVersion: env.GRAPH_API_VERSION ?? 'v23.0',
    gatewayEntry: env.BENCH_GATEWAY_ENTRY || undefined,
  };
}

function whyNoPinning(): string | undefined {
  try {
    const cpus = execFileSync('taskset', ['-c', '0,1', 'nproc'], { encoding: 'utf8' }).trim();
    return Number(cpus) >= 2 ? undefined : `CPUs 0 and 1 are not both available (nproc under taskset: ${cpus})`;
  } catch (error) {
    return `taskset (util-linux) not usable: ${(error as Error).message.split('\n')[0]}`;
  }
}

function list(value: string | undefined, fallback: string): string[] {
  return (value ?? fallback)
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function number(name: string, value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`${name}: expected a number, got ${JSON.stringify(value)}`);
  return parsed;
}
