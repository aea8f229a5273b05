/**
 * Measures one scenario against all targets at once: check each call, warm each target up, then
 * run short slices in rounds, rotating the order (D P G, P G D, G D P …), so that the shared,
 * noisy machine slows every target alike instead of whichever happened to run during a burst.
 * For each slice the server's CPU time comes from /proc and the upstream traffic from the
 * sandbox's request log; RSS is sampled throughout.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { LoadGenerator, LoadResult } from './load.js';
import { cpuSeconds, RssSampler } from '../support/proc-stats.js';
import type { SandboxAdmin } from './sandbox-admin.js';
import type { HttpCall, ScenarioKey, Target } from './scenarios.js';
import type { BenchSettings } from './settings.js';
import { mergeSorted, percentile } from './stats.js';
import { warmUntilSteady } from './warm-up.js';

export interface Measurement {
  latencyMs: number;
  scenario: ScenarioKey;
  target: Target;
  connections: number;
  /** Why there are no numbers (a missing feature, a failed check). */
  skipped?: string;
  /** The baseline call was identical to this scenario's and was measured there. */
  sameAs?: ScenarioKey;
  ops?: number;
  failures?: number;
  rps?: number;
  p50Ms?: number;
  p99Ms?: number;
  /** Server CPU seconds per 1000 operations, i.e. CPU ms per operation; absent for direct calls (no process in between). */
  cpuPer1k?: number;
  upstreamRequestsPerOp?: number;
  upstreamBytesPerOp?: number;
  upstreamRequestBytesPerOp?: number;
  upstreamResponseBytesPerOp?: number;
  upstreamKinds?: Record<string, number>;
  /** RSS after start-up, before any load. */
  rssBeforeBytes?: number;
  /** CPU ms/op of each 1-second warm-up window after the first (bench/warm-up.ts): how long the JIT took to settle. */
  warmUpCpuMsPerOp?: number[];
  /** RSS after a one-connection warm-up (one operation in flight), when the scenario asks for it. */
  rssOneInFlightBytes?: number;
  peakRssBytes?: number;
  /** RSS once the measured slices are over (the process idle again, nothing collected by force). */
  rssAfterBytes?: number;
}

/** One target of a scenario: where to send its call and which process serves it. */
export interface Contender {
  target: Target;
  call: HttpCall;
  baseUrl: string;
  /** The process between client and sandbox; none for direct calls. */
  pid?: number | undefined;
}

export interface GroupInput {
  latencyMs: number;
  scenario: ScenarioKey;
  connections: number;
  contenders: Contender[];
  /** Warm each server with one connection first and record its RSS then (see Scenario.memory). */
  oneInFlightFirst?: boolean;
}

interface Tally {
  seconds: number;
  sent: number;
  ok: number;
  failures: number;
  cpu: number;
  upstreamRequests: number;
  bodyBytes: number;
  responseBytes: number;
  kinds: Record<string, number>;
  latencies: Float64Array[];
}

export async function measureGroup(input: GroupInput, load: LoadGenerator, sandbox: SandboxAdmin, settings: BenchSettings): Promise<Measurement[]> {
  const base = { latencyMs: input.latencyMs, scenario: input.scenario, connections: input.connections };
  const rows = new Map<Target, Measurement>();
  const live: Contender[] = [];
  for (const contender of input.contenders) {
    const problem = await checkOnce(contender);
    if (problem) rows.set(contender.target, { ...base, target: contender.target, skipped: `failed: ${problem}` });
    else live.push(contender);
  }
  const samplers = new Map(live.filter((c) => c.pid).map((c) => [c.target, new RssSampler(c.pid!)]));
  const rssBefore = new Map([...samplers].map(([target, sampler]) => [target, sampler.reset()]));
  const request = (c: Contender, durationSeconds: number, amount?: number) => ({
    ...c.call,
    url: c.baseUrl + c.call.path,
    connections: input.connections,
    durationSeconds,
    ...(amount ? { amount } : {}),
  });
  // Slices send a fixed number of requests, sized from the target's last rate, and wait for every
  // answer: no request is cut off in flight, so upstream traffic divides exactly by operations.
  const rates = new Map<Target, number>();
  const amountFor = (target: Target) =>
    Math.max(input.connections * 2, Math.round((rates.get(target) ?? 0) * settings.sliceSeconds));
  // Let the warm-up's last requests (cut off in flight) finish upstream before the log is cleared:
  // until the sandbox's log stops growing (a loaded machine can take far longer than the latency).
  const drain = async () => {
    let seen = -1;
    for (let i = 0; i < 50; i++) {
      await sleep(200 + 2 * input.latencyMs);
      const requests = (await sandbox.totals()).requests;
      if (requests === seen) return;
      seen = requests;
    }
  };

  const warmUps = new Map<Target, number[]>();
  const rssOneInFlight = new Map<Target, number>();
  if (input.oneInFlightFirst) {
    for (const contender of live) {
      await load.run({ ...request(contender, settings.warmupSeconds), connections: 1 });
      const sampler = samplers.get(contender.target);
      if (sampler) rssOneInFlight.set(contender.target, sampler.now());
    }
  }
  for (const contender of live) {
    // At the measured concurrency: warming until steady replaces the 5× connections once used to
    // hurry V8 along, which left every server with a heap sized for a load it is not measured at.
    const warmConnections = input.connections;
    // The direct target has no process of its own: the sandbox is warmed by every target's traffic.
    if (contender.pid) {
      // Until its CPU per operation is steady: the JIT's progress is not what a replica lives with.
      const readings = await warmUntilSteady(load, contender.pid, { ...request(contender, 0), connections: warmConnections }, {
        warmupSeconds: settings.warmupSeconds,
        maxSeconds: settings.warmupMaxSeconds,
      });
      warmUps.set(contender.target, readings);
    } else {
      await load.run({ ...request(contender, Math.min(0.5, settings.warmupSeconds)), connections: warmConnections });
    }
    // Then a short run as measured, for the rate that sizes the slices.
    const warm = await load.run(request(contender, Math.min(0.4, settings.warmupSeconds)));
    rates.set(contender.target, (warm.ok - warm.mismatches) / warm.durationSeconds);
  }
  await drain();

  const tallies = new Map(live.map((c) => [c.target, emptyTally()]));
  for (let round = 0; round < settings.rounds; round++) {
    for (let i = 0; i < live.length; i++) {
      const contender = live[(i + round) % live.length]!;
      const tally = tallies.get(contender.target)!;
      await sandbox.clearRequests();
      const cpuBefore = contender.pid ? cpuSeconds(contender.pid) : 0;
      const result = await load.run(request(contender, settings.sliceSeconds, amountFor(contender.target)));
      if (contender.pid) tally.cpu += cpuSeconds(contender.pid) - cpuBefore;
      rates.set(contender.target, (result.ok - result.mismatches) / result.durationSeconds);
      // No drain: the slice waited for every answer, so its upstream calls are all in the log.
      addRun(tally, result);
      const upstream = await sandbox.totals();
      tally.upstreamRequests += upstream.requests;
      tally.bodyBytes += upstream.bodyBytes;
      tally.responseBytes += upstream.responseBytes;
      for (const [kind, n] of Object.entries(upstream.kinds)) tally.kinds[kind] = (tally.kinds[kind] ?? 0) + n;
    }
  }
  await sandbox.clearRequests();

  for (const contender of live) {
    const sampler = samplers.get(contender.target);
    const row: Measurement = { ...base, target: contender.target, ...figures(tallies.get(contender.target)!, !!contender.pid) };
    if (warmUps.has(contender.target)) row.warmUpCpuMsPerOp = warmUps.get(contender.target);
    if (sampler) {
      row.rssBeforeBytes = rssBefore.get(contender.target);
      row.rssOneInFlightBytes = rssOneInFlight.get(contender.target);
      row.peakRssBytes = sampler.peak();
      row.rssAfterBytes = sampler.now();
      sampler.stop();
    }
    rows.set(contender.target, row);
  }
  return input.contenders.map((c) => rows.get(c.target)!);
}

function emptyTally(): Tally {
  return { seconds: 0, sent: 0, ok: 0, failures: 0, cpu: 0, upstreamRequests: 0, bodyBytes: 0, responseBytes: 0, kinds: {}, latencies: [] };
}

function addRun(tally: Tally, result: LoadResult): void {
  tally.seconds += result.durationSeconds;
  tally.sent += result.sent;
  tally.ok += result.ok - result.mismatches;
  tally.failures += result.non2xx + result.errors + result.timeouts + result.mismatches;
  tally.latencies.push(result.latencies);
}

function figures(t: Tally, hasProcess: boolean): Partial<Measurement> {
  const perOp = (value: number) => (t.ok > 0 ? value / t.ok : Number.NaN);
  // Slices wait for every answer, so requests sent = operations answered; should a slice hit its
  // safety stop, the requests cut off may or may not have reached upstream: divide by sent.
  const perSent = (value: number) => (t.sent > 0 ? value / t.sent : Number.NaN);
  const latencies = mergeSorted(t.latencies);
  return {
    ops: t.ok,
    failures: t.failures,
    rps: t.ok / t.seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    ...(hasProcess ? { cpuPer1k: perOp(t.cpu) * 1000 } : {}),
    upstreamRequestsPerOp: perSent(t.upstreamRequests),
    upstreamBytesPerOp: perSent(t.bodyBytes + t.responseBytes),
    upstreamRequestBytesPerOp: perSent(t.bodyBytes),
    upstreamResponseBytesPerOp: perSent(t.responseBytes),
    upstreamKinds: t.kinds,
  };
}

/** Sends the call once and says what is wrong with the answer, if anything. */
export async function checkOnce(input: { call: HttpCall; baseUrl: string }): Promise<string | undefined> {
  const { call } = input;
  try {
    const response = await fetch(input.baseUrl + call.path, {
      method: call.method,
      headers: call.headers,
      ...(call.body ? { body: Buffer.from(call.body) } : {}),
    });
    const text = await response.text();
    if (!response.ok) return `HTTP ${response.status}: ${text.slice(0, 300)}`;
    if (call.expect === 'graphql-data' && (text.includes('"errors"') || !text.includes('"data"'))) return text.slice(0, 300);
    if (call.expect === 'rest' && text.includes('"error')) return text.slice(0, 300);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
