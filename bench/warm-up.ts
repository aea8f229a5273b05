/**
 * Warm-up until the server's CPU per operation stops falling. V8 optimises a large code base over
 * thousands of requests: measured on bench (a), the gateway spent 2.6 → 1.8 → 1.4 → 0.95 CPU ms per
 * operation over its first four 1-second windows and about 0.9 after, while plain yoga settles
 * sooner. A fixed 2-second warm-up therefore measured the JIT's progress, not the steady state a
 * long-running replica lives in. Here the server is loaded in 1-second windows until three in a
 * row bring no new best CPU/op (by more than 5 %), or BENCH_WARMUP_MAX_S has passed.
 */
import type { LoadGenerator, LoadRequest } from './load.js';
import { cpuSeconds } from '../support/proc-stats.js';

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
  let best = Number.POSITIVE_INFINITY;
  let withoutProgress = 0;
  while (spent < options.maxSeconds) {
    const before = cpuSeconds(pid);
    const result = await load.run({ ...request, durationSeconds: 1 });
    spent += result.durationSeconds;
    if (result.ok === 0) continue;
    const reading = ((cpuSeconds(pid) - before) / result.ok) * 1000;
    readings.push(reading);
    // Progress is a new best by more than 5 %; noise both ways is not.
    if (reading < best * 0.95) withoutProgress = 0;
    else withoutProgress++;
    best = Math.min(best, reading);
    if (withoutProgress >= 3) break;
  }
  return readings;
}
