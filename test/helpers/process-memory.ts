import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Resident memory of another process, from Linux's /proc: `rss` now and `peak` (VmHWM) since start or
 * since the last resetPeak(). In bytes.
 */
export function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
  return { rss: kib('VmRSS'), peak: kib('VmHWM') };
}

/** Sets the process's peak resident size back to its current size (`5` > /proc/<pid>/clear_refs). */
export function resetPeak(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/** Runs `work` and returns its result with the process's peak resident growth over its size before. */
export async function peakGrowthOf<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; baseline: number; peak: number; growth: number }> {
  resetPeak(pid);
  const baseline = memoryOf(pid).rss;
  const result = await work();
  const { peak } = memoryOf(pid);
  return { result, baseline, peak, growth: peak - baseline };
}
