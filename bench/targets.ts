/**
 * Issue 6's and issue 13's targets, judged on one run's figures. All throughput targets are ratios to the bare
 * proxy measured in the same run, never absolute numbers (the machine is shared and noisy).
 */
import type { BenchResults, TargetVerdict } from './results.js';
import { SCENARIOS, type ScenarioKey, type Target } from './scenarios.js';

/** 20 uploads of 1 MiB in flight at once. */
const UPLOAD_BYTES_IN_FLIGHT = 20 * 2 ** 20;

export function evaluateTargets(results: BenchResults): TargetVerdict[] {
  const rows = results.measurements;
  const find = (scenario: ScenarioKey, target: Target, latencyMs: number, single = false) =>
    rows.find(
      (r) => r.scenario === scenario && r.target === target && r.latencyMs === latencyMs && (r.connections === 1) === single && !r.skipped,
    );
  const verdicts: TargetVerdict[] = [];
  const judge = (target: string, value: number | undefined, ok: (v: number) => boolean, show: (v: number) => string) =>
    verdicts.push(
      value === undefined || Number.isNaN(value)
        ? { target, measured: '–', verdict: 'not measured' }
        : { target, measured: show(value), verdict: ok(value) ? 'met' : 'NOT met' },
    );
  const rpsRatio = (scenario: ScenarioKey, latencyMs: number) => ratio(find(scenario, 'gateway', latencyMs)?.rps, find(scenario, 'proxy', latencyMs)?.rps);
  const percent = (v: number) => `${(v * 100).toFixed(0)}% of P`;

  // Issue 13: per-core efficiency, pinned, against the proxy and plain yoga of the same run.
  const cpu = (scenario: ScenarioKey, target: Target) => find(scenario, target, 0)?.cpuPer1k;
  const cpuVs = (scenario: ScenarioKey, base: Target) => ratio(cpu(scenario, 'gateway'), cpu(scenario, base));
  const times = (base: string) => (v: number) => `${v.toFixed(2)}× ${base}`;
  judge('(a) 0 ms: CPU ms/op ≤ 3× bare proxy', cpuVs('a', 'proxy'), (v) => v <= 3, times('P'));
  judge('(a) 0 ms: CPU ms/op ≤ plain yoga + DataLoader', cpuVs('a', 'plain'), (v) => v <= 1, times('Y'));
  judge('(b) 0 ms: CPU ms/op ≤ 2.5× bare proxy', cpuVs('b', 'proxy'), (v) => v <= 2.5, times('P'));
  judge('(b) 0 ms: CPU ms/op ≤ plain yoga + DataLoader', cpuVs('b', 'plain'), (v) => v <= 1, times('Y'));
  const g20 = find('a', 'gateway', 20);
  const p20 = find('a', 'proxy', 20);
  judge(
    '(a) 20 ms: p50 within 1.5 ms of bare proxy',
    g20?.p50Ms !== undefined && p20?.p50Ms !== undefined ? g20.p50Ms - p20.p50Ms : undefined,
    (v) => v <= 1.5,
    (v) => `+${v.toFixed(2)} ms (G ${g20?.p50Ms?.toFixed(2)} vs P ${p20?.p50Ms?.toFixed(2)})`,
  );
  judge(
    '(b) 0 ms: RSS after the run ≤ 1.3× plain yoga',
    ratio(find('b', 'gateway', 0)?.rssAfterBytes, find('b', 'plain', 0)?.rssAfterBytes),
    (v) => v <= 1.3,
    (v) => `${v.toFixed(2)}× Y (G ${((find('b', 'gateway', 0)?.rssAfterBytes ?? 0) / 2 ** 20).toFixed(0)} MB vs Y ${((find('b', 'plain', 0)?.rssAfterBytes ?? 0) / 2 ** 20).toFixed(0)} MB)`,
  );
  judge('(a) 0 ms: req/s ≥ 35% of bare proxy', rpsRatio('a', 0), (v) => v >= 0.35, percent);
  judge('(a) 20 ms: req/s ≥ 95% of bare proxy', rpsRatio('a', 20), (v) => v >= 0.95, percent);
  const g1 = find('a', 'gateway', 20, true);
  const d1 = find('a', 'direct', 20, true);
  judge(
    '(a) 20 ms, 1 connection: added p50 over direct ≤ 1 ms',
    g1?.p50Ms !== undefined && d1?.p50Ms !== undefined ? g1.p50Ms - d1.p50Ms : undefined,
    (v) => v <= 1,
    (v) => `+${v.toFixed(2)} ms (G ${g1?.p50Ms?.toFixed(2)} vs D ${d1?.p50Ms?.toFixed(2)}; P ${find('a', 'proxy', 20, true)?.p50Ms?.toFixed(2) ?? '–'})`,
  );
  // Not a target: the same at 0 ms, where no process goes idle between requests.
  const g0 = find('a', 'gateway', 0, true);
  const d0 = find('a', 'direct', 0, true);
  const p0 = find('a', 'proxy', 0, true);
  if (g0?.p50Ms !== undefined && d0?.p50Ms !== undefined) {
    verdicts.push({
      target: '(for comparison) (a) 0 ms, 1 connection: added p50 over direct',
      measured: `+${(g0.p50Ms - d0.p50Ms).toFixed(2)} ms (G ${g0.p50Ms.toFixed(2)} vs D ${d0.p50Ms.toFixed(2)}; P ${p0?.p50Ms?.toFixed(2) ?? '–'})`,
      verdict: 'info',
    });
  }
  for (const latency of results.settings.latencies) {
    judge(`(b) ${latency} ms: exactly 1 upstream request per operation`, find('b', 'gateway', latency)?.upstreamRequestsPerOp, (v) => Math.abs(v - 1) < 0.005, (v) => `${v.toFixed(3)} req/op`);
  }
  judge('(b) 0 ms: req/s ≥ 35% of bare proxy', rpsRatio('b', 0), (v) => v >= 0.35, percent);
  const rowsRatio = ratio(find('b', 'gateway', 0)?.cpuPer1k, find('a', 'gateway', 0)?.cpuPer1k);
  judge(
    '(b) 0 ms: gateway CPU per operation ≤ 3× that of (a), measured alternating on one process',
    results.checks.cpuRatio?.ratio,
    (v) => v <= 3,
    (v) => `${v.toFixed(2)}× (from the table rows, measured apart: ${rowsRatio?.toFixed(2) ?? '–'}×)`,
  );
  for (const latency of results.settings.latencies) {
    judge(`(c) ${latency} ms: 1 upstream request per ≤50 representations (20 → 1)`, find('c', 'gateway', latency)?.upstreamRequestsPerOp, (v) => Math.abs(v - 1) < 0.005, (v) => `${v.toFixed(3)} req/op`);
  }
  const e = results.checks.entities;
  judge(
    `(c) check: ${e?.representations ?? 120} representations → ${Math.ceil((e?.representations ?? 120) / 50)} upstream requests`,
    e?.upstreamRequests,
    (v) => v === Math.ceil((e?.representations ?? 120) / 50),
    (v) => `${v} requests`,
  );
  // The lifecycle rows: the upstream request count each operation must cost, under load.
  for (const scenario of SCENARIOS.filter((s) => s.upstreamRequests !== undefined)) {
    const expected = scenario.upstreamRequests!;
    for (const latency of results.settings.latencies) {
      judge(
        `(${scenario.key}) ${latency} ms: exactly ${expected} upstream request${expected === 1 ? '' : 's'} per operation`,
        find(scenario.key, 'gateway', latency)?.upstreamRequestsPerOp,
        (v) => Math.abs(v - expected) < 0.005,
        (v) => `${v.toFixed(3)} req/op`,
      );
    }
  }
  judge('field pushdown: (a) with only `subject` ≤ 20% of the upstream bytes of every field', results.checks.pushdown?.ratio, (v) => v <= 0.2, (v) => `${(v * 100).toFixed(1)}%`);
  const upload = find('e', 'gateway', 0);
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  judge(
    '(e) 0 ms: peak RSS growth ≤ 2× the bytes in flight (20 × 1 MiB), from one upload in flight to 20',
    upload?.peakRssBytes !== undefined && upload.rssOneInFlightBytes !== undefined
      ? (upload.peakRssBytes - upload.rssOneInFlightBytes) / UPLOAD_BYTES_IN_FLIGHT
      : undefined,
    (v) => v <= 2,
    (v) =>
      `${mib(v * UPLOAD_BYTES_IN_FLIGHT)} = ${v.toFixed(2)}× in flight (RSS idle ${mib(upload?.rssBeforeBytes ?? 0)}, ` +
      `1 in flight ${mib(upload?.rssOneInFlightBytes ?? 0)}, peak ${mib(upload?.peakRssBytes ?? 0)})`,
  );
  verdicts.push({ target: '(e) soak: no RSS growth trend over 20 minutes', measured: 'see `npm run bench:soak`', verdict: 'not measured' });
  return verdicts;
}

function ratio(value: number | undefined, base: number | undefined): number | undefined {
  return value === undefined || base === undefined || base === 0 ? undefined : value / base;
}

