/**
 * `npm run bench:repeated-reads` (also a step of `npm run bench`): the group cache (issue 19) on
 * the load frontends make, many groups polled by several tokens with a skewed popularity.
 *
 * GROUPS groups, TOKENS tokens that see them all. Each operation is `group(id) { subject
 * participants { waId } }` with a token drawn uniformly and a group drawn from a Zipf law (s =
 * ZIPF_S: with s = 1 over 500 groups, the ten most popular take about 43 % of the reads). The operations form one
 * stream that all connections take from in turn (bench/load.ts `sharedMix`); the warm-up walks
 * another stream drawn from the same law, so the measured window starts from a cache a running
 * replica would have, and first reads of the tail still miss in it.
 *
 * Per upstream latency (REPEATED_READS_LATENCIES, "100,0": Meta's ~100 ms, and 0 for the CPU and
 * p50 targets), each in a fresh process, warmed until its CPU per operation is steady:
 *   - P, the bare proxy sending the REST read a miss costs (GET /{id}?fields=…): the floor for latency;
 *   - G off: the gateway with GROUP_CACHE_TTL_MS=0 (today);
 *   - G on: GROUP_CACHE_TTL_MS=300000 in process;
 *   - G on, Redis: the same with REDIS_URL (a local redis-server), when `redis-server` is installed.
 * Columns: upstream requests per operation (the sandbox's request log), hit ratio (the gateway's
 * `group_cache_reads_total`), CPU ms per operation (/proc, the server process only), p50/p99.
 * Targets (issue 19): cache on, CPU/op no more than off; p50 at 0 ms within 2 ms of P; upstream
 * requests per operation at most off × (1 − hit ratio).
 *
 * Environment: REPEATED_READS_LATENCIES, REPEATED_READS_SECONDS (measured, default 15), and the
 * BENCH_* settings of bench/README.md (connections, pinning, warm-up).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LoadGenerator, type LoadRequest } from './load.js';
import { freePort } from '../support/processes.js';
import { coreBusySeconds, cpuSeconds } from '../support/proc-stats.js';
import { SandboxAdmin } from './sandbox-admin.js';
import { startBareProxy, startGateway, startSandbox, type Server } from './servers.js';
import { readSettings, type BenchSettings } from './settings.js';
import { warmUntilSteady } from './warm-up.js';
import { seededRandom } from '../src/sandbox/random.js';

const GROUPS = 500;
const TOKENS = 5;
const ZIPF_S = 1.0;
const STREAM_LENGTH = 20_000;
const TTL_MS = 300_000;
/** The core pinned servers run on (bench/servers.ts), and the share of it others may use before a row is named. */
const SERVER_CPU = 1;
const BUSY_CORE = 0.25;
const FIELDS = 'id,participants,subject';
const QUERY = 'query ($id: ID!) { group(id: $id) { subject participants { waId } } }';

type Variant = 'proxy' | 'off' | 'on' | 'redis';
const TITLES: Record<Variant, string> = { proxy: 'P bare proxy (REST read)', off: 'G cache off', on: 'G cache on (in process)', redis: 'G cache on (Redis)' };

interface Row {
  latencyMs: number;
  variant: Variant;
  operations: number;
  upstreamPerOp: number;
  hitRatio: number | undefined;
  cpuMsPerOp: number;
  p50Ms: number;
  p99Ms: number;
  rps: number;
  failures: number;
  /**
   * The share of the server's core (CPU 1, when pinned) that other processes used while it was
   * measured, steal included: above BUSY_CORE the latencies are the machine's, not the server's.
   */
  othersOnCore: number | undefined;
}

async function main(): Promise<void> {
  const settings = readSettings();
  const latencies = (process.env.REPEATED_READS_LATENCIES ?? '100,0').split(',').map(Number);
  const seconds = Number(process.env.REPEATED_READS_SECONDS ?? 15);
  const redis = await startRedis();
  const load = new LoadGenerator({ cpus: settings.pin ? '0' : undefined });
  const rows: Row[] = [];
  try {
    for (const latencyMs of latencies) {
      const sandbox = await startSandbox(latencyMs, settings);
      try {
        const admin = new SandboxAdmin(sandbox.url);
        const { groupIds, tokens } = await seed(admin);
        const warmStream = stream(groupIds, tokens, 1);
        const measuredStream = stream(groupIds, tokens, 2);
        const variants: Variant[] = ['proxy', 'off', 'on', ...(redis ? (['redis'] as const) : [])];
        for (const variant of variants) {
          const row = await measure({ latencyMs, variant, sandbox, admin, settings, load, seconds, warmStream, measuredStream, redisUrl: redis?.url });
          rows.push(row);
          log(`${latencyMs} ms ${TITLES[variant]}: ${row.upstreamPerOp.toFixed(3)} upstream/op, hit ${row.hitRatio === undefined ? '–' : (row.hitRatio * 100).toFixed(1) + ' %'}, CPU ${row.cpuMsPerOp.toFixed(3)} ms/op, p50 ${row.p50Ms.toFixed(2)} ms, p99 ${row.p99Ms.toFixed(2)} ms, others on its core ${percent(row.othersOnCore)}`);
        }
      } finally {
        await sandbox.stop();
      }
    }
  } finally {
    load.close();
    redis?.stop();
  }
  const markdown = report(rows, settings, seconds);
  const dir = fileURLToPath(new URL('../../bench/results', import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/repeated-reads.md`, markdown);
  writeFileSync(`${dir}/repeated-reads.json`, JSON.stringify({ settings: { latencies, seconds, groups: GROUPS, tokens: TOKENS, zipfS: ZIPF_S, ttlMs: TTL_MS, connections: settings.connections, pinned: settings.pin }, rows }, null, 2));
  process.stdout.write(`\n${markdown}\nWritten: bench/results/repeated-reads.{md,json}\n`);
}

interface MeasureInput {
  latencyMs: number;
  variant: Variant;
  sandbox: Server;
  admin: SandboxAdmin;
  settings: BenchSettings;
  load: LoadGenerator;
  seconds: number;
  warmStream: Read[];
  measuredStream: Read[];
  redisUrl: string | undefined;
}

async function measure(input: MeasureInput): Promise<Row> {
  const { latencyMs, variant, sandbox, admin, settings, load, seconds } = input;
  const env: Record<string, string> = variant === 'off' ? { GROUP_CACHE_TTL_MS: '0' } : { GROUP_CACHE_TTL_MS: String(TTL_MS) };
  if (variant === 'redis') {
    env.REDIS_URL = input.redisUrl!;
    // Replicas sharing Redis need a shared key for token fingerprints (src/config.ts); any fixed one will do here.
    env.EVENTS_SIGNING_KEY = 'bench-repeated-reads-events-signing-key-0123456789';
  }
  const server =
    variant === 'proxy'
      ? await startBareProxy(sandbox.url, settings)
      : await startGateway(sandbox.url, settings, undefined, { name: `gateway (${variant})`, env });
  try {
    const request = (reads: Read[]): LoadRequest => ({
      url: server.url,
      method: 'POST',
      headers: {},
      connections: settings.connections,
      durationSeconds: seconds,
      mix: reads.map((read) => (variant === 'proxy' ? restCall(read, settings.graphApiVersion) : graphqlCall(read))),
      sharedMix: true,
      expect: variant === 'proxy' ? 'rest' : 'graphql-data',
    });
    await warmUntilSteady(load, server.pid, request(input.warmStream), { warmupSeconds: settings.warmupSeconds, maxSeconds: settings.warmupMaxSeconds });
    await admin.clearRequests();
    const hitsBefore = variant === 'proxy' ? undefined : await cacheReads(server.url);
    const cpuBefore = cpuSeconds(server.pid);
    const coreBefore = settings.pin ? coreBusySeconds(SERVER_CPU) : 0;
    const result = await load.run(request(input.measuredStream));
    const cpu = cpuSeconds(server.pid) - cpuBefore;
    const othersOnCore = settings.pin ? Math.max(0, coreBusySeconds(SERVER_CPU) - coreBefore - cpu) / result.durationSeconds : undefined;
    const upstream = (await admin.totals()).requests;
    const hitsAfter = variant === 'proxy' ? undefined : await cacheReads(server.url);
    const lookups = hitsBefore && hitsAfter ? hitsAfter.total - hitsBefore.total : 0;
    return {
      latencyMs,
      variant,
      operations: result.ok,
      upstreamPerOp: upstream / result.ok,
      hitRatio: hitsBefore && hitsAfter ? (variant === 'off' ? 0 : lookups > 0 ? (hitsAfter.hit - hitsBefore.hit) / lookups : 0) : undefined,
      cpuMsPerOp: (cpu / result.ok) * 1000,
      p50Ms: result.p50Ms,
      p99Ms: result.p99Ms,
      rps: result.ok / result.durationSeconds,
      failures: result.non2xx + result.errors + result.timeouts + result.mismatches,
      othersOnCore,
    };
  } finally {
    await server.stop();
  }
}

interface Read {
  token: string;
  groupId: string;
}

async function seed(admin: SandboxAdmin): Promise<{ groupIds: string[]; tokens: string[] }> {
  const tokens = Array.from({ length: TOKENS }, (_, i) => `bench-repeated-reads-token-${i}`);
  for (const token of tokens) await admin.createToken(token);
  const groupIds: string[] = [];
  for (let i = 0; i < GROUPS; i++) groupIds.push(await admin.seedGroup({ subject: `Polled group ${i}`, description: 'Read again and again', participants: 8 }));
  return { groupIds, tokens };
}

/** STREAM_LENGTH reads: a uniform token and a Zipf-distributed group, from a seeded generator. */
function stream(groupIds: readonly string[], tokens: readonly string[], seed: number): Read[] {
  const random = seededRandom(seed);
  const weights = groupIds.map((_, rank) => 1 / (rank + 1) ** ZIPF_S);
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const cumulative: number[] = [];
  let sum = 0;
  for (const weight of weights) cumulative.push((sum += weight / total));
  return Array.from({ length: STREAM_LENGTH }, () => {
    const u = random();
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (cumulative[mid]! < u) low = mid + 1;
      else high = mid;
    }
    return { token: tokens[Math.floor(random() * tokens.length)]!, groupId: groupIds[low]! };
  });
}

function graphqlCall(read: Read): NonNullable<LoadRequest['mix']>[number] {
  return {
    method: 'POST',
    path: '/graphql',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${read.token}` },
    body: Buffer.from(JSON.stringify({ query: QUERY, variables: { id: read.groupId } })),
  };
}

/** The read a miss costs upstream, as the bare proxy forwards it. */
function restCall(read: Read, version: string): NonNullable<LoadRequest['mix']>[number] {
  return { method: 'GET', path: `/${version}/${encodeURIComponent(read.groupId)}?fields=${encodeURIComponent(FIELDS)}`, headers: { authorization: `Bearer ${read.token}` } };
}

async function cacheReads(url: string): Promise<{ hit: number; total: number }> {
  const text = await fetch(`${url}/metrics`).then((response) => response.text());
  let hit = 0;
  let total = 0;
  for (const match of text.matchAll(/^group_cache_reads_total\{outcome="(\w+)"\} (\d+(?:\.\d+)?)$/gm)) {
    const count = Number(match[2]);
    total += count;
    if (match[1] === 'hit') hit += count;
  }
  return { hit, total };
}

function report(rows: readonly Row[], settings: BenchSettings, seconds: number): string {
  const lines = [
    `## Repeated reads: ${GROUPS} groups, ${TOKENS} tokens, Zipf s=${ZIPF_S}, ${settings.connections} connections, ${seconds} s measured${settings.pin ? ', server pinned to CPU 1' : ''}`,
    '',
    '| upstream latency | target | upstream req/op | hit ratio | CPU ms/op | p50 ms | p99 ms | ops/s | failures | others on its core |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.latencyMs} ms | ${TITLES[r.variant]} | ${r.upstreamPerOp.toFixed(3)} | ${r.hitRatio === undefined ? '–' : `${(r.hitRatio * 100).toFixed(1)} %`} | ${r.cpuMsPerOp.toFixed(3)} | ${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ${r.rps.toFixed(0)} | ${r.failures} | ${percent(r.othersOnCore)} |`,
    ),
    '',
    ...targets(rows),
    ...contention(rows),
  ];
  return `${lines.join('\n')}\n`;
}

/** The issue's targets, judged per latency and cache variant. */
function targets(rows: readonly Row[]): string[] {
  const verdicts: string[] = [];
  for (const latencyMs of [...new Set(rows.map((r) => r.latencyMs))]) {
    const at = (variant: Variant) => rows.find((r) => r.latencyMs === latencyMs && r.variant === variant);
    const off = at('off');
    const proxy = at('proxy');
    for (const on of [at('on'), at('redis')]) {
      if (!on || !off) continue;
      const name = `${latencyMs} ms, ${TITLES[on.variant]}`;
      const hit = on.hitRatio ?? 0;
      verdicts.push(`- ${name}: CPU/op ${on.cpuMsPerOp.toFixed(3)} vs off ${off.cpuMsPerOp.toFixed(3)} → ${on.cpuMsPerOp <= off.cpuMsPerOp ? 'met' : 'NOT met'}`);
      verdicts.push(
        `- ${name}: upstream req/op ${on.upstreamPerOp.toFixed(3)} ≤ off × (1 − hit) = ${(off.upstreamPerOp * (1 - hit)).toFixed(3)} → ${on.upstreamPerOp <= off.upstreamPerOp * (1 - hit) + 0.005 ? 'met' : 'NOT met'}`,
      );
      if (latencyMs === 0 && proxy) verdicts.push(`- ${name}: p50 ${on.p50Ms.toFixed(2)} ms vs P ${proxy.p50Ms.toFixed(2)} ms (target: within 2 ms) → ${on.p50Ms - proxy.p50Ms <= 2 ? 'met' : 'NOT met'}`);
    }
  }
  return verdicts;
}

/**
 * Rows measured on a busy core: the pinned server got only part of it, and the gateway (about 4×
 * the proxy's CPU per operation) runs out of its part first, so its p50 measures the machine
 * (connections / the ops/s its part allows), not the gateway.
 */
function contention(rows: readonly Row[]): string[] {
  const busy = rows.filter((r) => (r.othersOnCore ?? 0) > BUSY_CORE);
  if (busy.length === 0) return [];
  return [
    '',
    `Other processes used more than ${percent(BUSY_CORE)} of the server's core during ${busy.length} of ${rows.length} rows ` +
      `(${busy.map((r) => `${r.latencyMs} ms ${TITLES[r.variant]}`).join('; ')}): their latencies are the machine's; run again on a quiet machine.`,
  ];
}

function percent(share: number | undefined): string {
  return share === undefined ? '–' : `${(share * 100).toFixed(0)} %`;
}

/** A throwaway redis-server on a free loopback port, or undefined when none is installed. */
async function startRedis(): Promise<{ url: string; stop(): void } | undefined> {
  const port = await freePort();
  let child: ChildProcess;
  try {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      setTimeout(resolve, 300);
    });
  } catch {
    log('redis-server not found: the Redis row is left out');
    return undefined;
  }
  return { url: `redis://127.0.0.1:${port}`, stop: () => child.kill('SIGKILL') };
}

function log(message: string): void {
  process.stderr.write(`[repeated-reads] ${message}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`repeated-reads bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
