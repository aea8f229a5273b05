/**
 * Warm-up until the server's CPU per operation stops falling. V8 optimises a large code base over
 * thousands of requests: measured on bench (a), the gateway spent 2.6 → 1.8 → 1.4 → 0.95 CPU ms per
 * operation over its first four 1-second windows and about 0.9 after, while plain yoga settles
 * sooner. A fixed 2-second warm-up therefore measured the JIT's progress, not the steady state a
 * long-running replica lives in. Here each 1-second window's CPU/op is compared with the previous
 * one: once two readings in a row are within 10 % of each other (or BENCH_WARMUP_MAX_S has passed),
 * the server is warm.
 */
import type { LoadGenerator, LoadRequest } from './load.js';
import { cpuSeconds } from './proc-stats.js';

export interface WarmUpOptions {
  /** The first, unmeasured load (BENCH_WARMUP_S). */
  warmupSeconds: number;
  /** Stop warming after this long whatever the readings (BENCH_WARMUP_MAX_S). */
  maxSeconds: number;
}

/** Loads `pid`'s server with `request` (its duration is replaced) until its CPU per operation is steady; returns the readings. */
export async function warmUntilSteady(load: LoadGenerator, pid: number, request: LoadRequest, options: WarmUpOptions): Promise<number[]> {
  await load.run({ ...request, durationSeconds: options.warmupSeconds });
  const readings: number[] = [];
  let spent = options.warmupSeconds;
  let steady = 0;
  while (spent < options.maxSeconds) {
    const before = cpuSeconds(pid);
    const result = await load.run({ ...request, durationSeconds: 1 });
    spent += result.durationSeconds;
    if (result.ok === 0) continue;
    const reading = ((cpuSeconds(pid) - before) / result.ok) * 1000;
    const previous = readings.at(-1);
    readings.push(reading);
    steady = previous !== undefined && Math.abs(reading - previous) <= 0.1 * previous ? steady + 1 : 0;
    if (steady >= 2) break;
  }
  return readings;
}
