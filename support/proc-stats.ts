/**
 * What tests, scripts and the benchmark know about a process they did not instrument: CPU time and
 * resident memory, read from Linux's /proc, so the product carries no test hooks.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

/** Clock ticks per second for /proc/<pid>/stat times (almost always 100). */
const CLOCK_TICKS = readClockTicks();

function readClockTicks(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
}

/** User + system CPU seconds the process (all its threads) has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces and parentheses: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name, utime and stime are the 12th and 13th fields (stat fields 14 and 15).
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / CLOCK_TICKS;
}

/** Resident set size now, in bytes. */
export function rssBytes(pid: number): number {
  return statusKb(pid, 'VmRSS') * 1024;
}

/** Resident memory now (`rss`) and its peak (VmHWM) since start or the last resetPeak(), in bytes. */
export function memoryOf(pid: number): { rss: number; peak: number } {
  return { rss: statusKb(pid, 'VmRSS') * 1024, peak: statusKb(pid, 'VmHWM') * 1024 };
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

function statusKb(pid: number, key: string): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!match) throw new Error(`/proc/${pid}/status has no ${key}`);
  return Number(match[1]);
}

/**
 * Samples a process's RSS on a timer; `peak()` is the highest sample since `reset()`.
 * 50 ms is frequent enough to see an upload burst and costs the sampling process next to nothing.
 */
export class RssSampler {
  private peakBytes = 0;
  private lastBytes = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    intervalMs = 50,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  reset(): number {
    this.sample();
    this.peakBytes = this.lastBytes;
    return this.lastBytes;
  }

  /** RSS now (also counted towards the peak). */
  now(): number {
    this.sample();
    return this.lastBytes;
  }

  peak(): number {
    this.sample();
    return this.peakBytes;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private sample(): void {
    try {
      this.lastBytes = rssBytes(this.pid);
      if (this.lastBytes > this.peakBytes) this.peakBytes = this.lastBytes;
    } catch {
      // The process has exited: keep the last values.
    }
  }
}

/** CPU seconds one core has spent busy so far, every process together (/proc/stat; steal counts: the host took it). */
export function coreBusySeconds(cpu: number): number {
  const line = readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`cpu${cpu} `));
  if (!line) throw new Error(`/proc/stat has no cpu${cpu}`);
  // user nice system idle iowait irq softirq steal …, in USER_HZ ticks (CLK_TCK).
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return (user! + nice! + system! + irq! + softirq! + steal!) / CLOCK_TICKS;
}
