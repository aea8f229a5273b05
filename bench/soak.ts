/**
 * `npm run bench:soak`: the gateway under moderate, steady load for a long time (default 20
 * minutes) with a mix of every benchmark operation, uploads included; RSS is sampled every few
 * seconds and a least-squares line through the samples after the warm-up says whether memory
 * keeps growing. Writes bench/results/soak.{md,json}.
 *
 * Env: SOAK_MINUTES (20), SOAK_RATE (total req/s, 50), SOAK_CONNECTIONS (10),
 * SOAK_LATENCY_MS (sandbox latency, 20), SOAK_SAMPLE_S (10), SOAK_MAX_SLOPE_MB_PER_MIN (0.25).
 * Growth is a fitted slope above the maximum with r² ≥ 0.3; a 1–2 minute run is only a smoke test.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { cpus, loadavg, totalmem } from 'node:os';
import { seedFixture, TOKEN } from './fixture.js';
import { detectMutations } from './gateway-schema.js';
import { LoadGenerator, type LoadRequest } from './load.js';
import { rssBytes } from '../support/proc-stats.js';
import { SandboxAdmin } from './sandbox-admin.js';
import { SCENARIOS, type HttpCall } from './scenarios.js';
import { startGateway, startSandbox } from './servers.js';
import { readSettings } from './settings.js';
import { linearFit } from './stats.js';

/** Each connection cycles through this list: mostly reads, some writes, one upload in eight. */
const MIX = ['a', 'b', 'a', 'c', 'a', 'd', 'a', 'e'] as const;
/** Below this r², a fitted slope is noise, not a trend. */
const MIN_R2 = 0.3;

interface Sample {
  minute: number;
  rssMB: number;
}

async function main(): Promise<void> {
  const env = process.env;
  const minutes = Number(env.SOAK_MINUTES ?? 20);
  const rate = Number(env.SOAK_RATE ?? 50);
  const connections = Number(env.SOAK_CONNECTIONS ?? 10);
  const latencyMs = Number(env.SOAK_LATENCY_MS ?? 20);
  const sampleSeconds = Number(env.SOAK_SAMPLE_S ?? 10);
  const maxSlope = Number(env.SOAK_MAX_SLOPE_MB_PER_MIN ?? 0.25);
  const settings = readSettings();

  const sandbox = await startSandbox(latencyMs, settings);
  const load = new LoadGenerator();
  try {
    const admin = new SandboxAdmin(sandbox.url);
    const fixture = await seedFixture(admin, settings, 22);
    const gateway = await startGateway(sandbox.url, settings);
    try {
      fixture.mutations = await detectMutations(gateway.url, TOKEN);
      const calls: HttpCall[] = [];
      const skipped: string[] = [];
      for (const key of MIX) {
        const call = SCENARIOS.find((s) => s.key === key)!.build('gateway', fixture);
        if ('skipped' in call) skipped.push(`(${key}) ${call.skipped}`);
        else calls.push(call);
      }
      log(`${minutes} min at ${rate} req/s over ${connections} connections, upstream latency ${latencyMs} ms; mix ${MIX.join(' ')}`);
      for (const note of new Set(skipped)) log(note);

      const samples: Sample[] = [];
      const started = Date.now();
      const sample = () => {
        const sample = { minute: (Date.now() - started) / 60_000, rssMB: rssBytes(gateway.pid) / 2 ** 20 };
        samples.push(sample);
        return sample;
      };
      sample();
      const timer = setInterval(() => {
        const s = sample();
        if (samples.length % Math.max(1, Math.round(60 / sampleSeconds)) === 0) log(`${s.minute.toFixed(1)} min: RSS ${s.rssMB.toFixed(1)} MB`);
      }, sampleSeconds * 1000);
      const mix: NonNullable<LoadRequest['mix']> = calls.map(({ method, path, headers, body }) => ({ method, path, headers, ...(body ? { body } : {}) }));
      const result = await load.run({
        url: gateway.url + '/graphql',
        method: 'POST',
        headers: {},
        mix,
        overallRate: rate,
        connections,
        durationSeconds: minutes * 60,
        expect: 'graphql-data',
      });
      clearInterval(timer);
      sample();

      // The first part is warm-up (JIT, heap sizing): judged from min(2 minutes, a quarter of the run).
      const skip = Math.min(2, minutes / 4);
      const steady = samples.filter((s) => s.minute >= skip);
      const fit = linearFit(steady.map((s) => ({ x: s.minute, y: s.rssMB })));
      const report = {
        startedAt: new Date(started).toISOString(),
        machine: { cpu: cpus()[0]?.model ?? 'unknown', cpus: cpus().length, memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10, node: process.version, loadAverageAtStart: loadavg() },
        settings: { minutes, rate, connections, latencyMs, sampleSeconds, mix: MIX, skipped: [...new Set(skipped)] },
        operations: result.ok - result.mismatches,
        failures: result.non2xx + result.errors + result.timeouts + result.mismatches,
        achievedRate: (result.ok - result.mismatches) / result.durationSeconds,
        p50Ms: result.p50Ms,
        p99Ms: result.p99Ms,
        rssMB: { first: samples[0]?.rssMB, afterWarmUp: steady[0]?.rssMB, last: samples.at(-1)?.rssMB, peak: Math.max(...samples.map((s) => s.rssMB)) },
        trend: { fromMinute: skip, slopeMBPerMinute: fit.slope, r2: fit.r2, maxSlopeMBPerMinute: maxSlope },
        // A slope counts only when the line explains the samples: GC makes RSS a saw-tooth, and a
        // steep line through noise (small r²) is not growth.
        verdict: fit.slope <= maxSlope || fit.r2 < MIN_R2 ? 'no RSS growth trend' : 'RSS grows',
        samples,
      };
      const markdown = render(report);
      const dir = fileURLToPath(new URL('../../bench/results/', import.meta.url));
      await mkdir(dir, { recursive: true });
      await writeFile(`${dir}soak.json`, `${JSON.stringify(report, null, 2)}\n`);
      await writeFile(`${dir}soak.md`, markdown);
      process.stdout.write(`\n${markdown}\nWritten: ${dir}soak.md, ${dir}soak.json\n`);
    } finally {
      await gateway.stop();
    }
  } finally {
    load.close();
    await sandbox.stop();
  }
}

function render(r: {
  startedAt: string;
  settings: { minutes: number; rate: number; connections: number; latencyMs: number; skipped: string[] };
  operations: number;
  failures: number;
  achievedRate: number;
  p50Ms: number;
  p99Ms: number;
  rssMB: { first?: number | undefined; afterWarmUp?: number | undefined; last?: number | undefined; peak: number };
  trend: { fromMinute: number; slopeMBPerMinute: number; r2: number; maxSlopeMBPerMinute: number };
  verdict: string;
}): string {
  const mb = (v: number | undefined) => (v === undefined ? '–' : v.toFixed(1));
  return [
    `# Soak ${r.startedAt}`,
    '',
    `${r.settings.minutes} min, ${r.settings.rate} req/s target over ${r.settings.connections} connections, upstream latency ${r.settings.latencyMs} ms, mix ${MIX.join(' ')}.`,
    ...r.settings.skipped.map((s) => `- ${s}`),
    '',
    '| operations | req/s | failures | p50 ms | p99 ms | RSS first | after warm-up | last | peak | slope after minute ' + r.trend.fromMinute.toFixed(1) + ' | r² |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    `| ${r.operations} | ${r.achievedRate.toFixed(1)} | ${r.failures} | ${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ${mb(r.rssMB.first)} MB | ${mb(r.rssMB.afterWarmUp)} MB | ${mb(r.rssMB.last)} MB | ${mb(r.rssMB.peak)} MB | ${r.trend.slopeMBPerMinute.toFixed(3)} MB/min | ${r.trend.r2.toFixed(2)} |`,
    '',
    `Verdict: **${r.verdict}** (growth means a slope above ${r.trend.maxSlopeMBPerMinute} MB/min with r² ≥ ${MIN_R2}).`,
    '',
  ].join('\n');
}

function log(message: string): void {
  process.stderr.write(`[soak] ${message}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
