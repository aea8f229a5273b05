/**
 * The results table (markdown, printed and written to bench/results/latest.md) and the raw
 * figures (latest.json). Every gateway figure is also given relative to the bare proxy (P) and
 * to the direct call (D) measured in the same run.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Measurement } from './measure.js';
import type { Target } from './scenarios.js';
import { SCENARIOS } from './scenarios.js';
import type { BenchResults, TargetVerdict } from './results.js';
import { evaluateTargets } from './targets.js';

const RESULTS_DIR = fileURLToPath(new URL('../../bench/results/', import.meta.url));

export async function writeResults(results: BenchResults): Promise<{ markdown: string; files: string[] }> {
  results.targets = evaluateTargets(results);
  const markdown = renderMarkdown(results);
  await mkdir(RESULTS_DIR, { recursive: true });
  const files = [`${RESULTS_DIR}latest.md`, `${RESULTS_DIR}latest.json`];
  await writeFile(files[0]!, markdown);
  await writeFile(files[1]!, `${JSON.stringify(results, null, 2)}\n`);
  return { markdown, files };
}

export function renderMarkdown(results: BenchResults): string {
  const { machine: m, settings: s } = results;
  const lines = [
    `# Benchmark ${results.startedAt}`,
    '',
    `Machine: ${m.cpu}, ${m.cpus} CPUs, ${m.memoryGiB} GiB, Linux ${m.kernel}, Node ${m.node}; load average at start ${m.loadAverageAtStart.join(' / ')}.`,
    `Each row: ${s.warmupSeconds} s warm-up, then ${s.rounds} × ${s.sliceSeconds} s measured with autocannon in its own process, ` +
      'slices of D, P, Y and G interleaved in rotating order; ' +
      `${s.connections} connections (uploads: 20; "1c" rows: 1). Upstream pool: ${s.upstreamConnections} connections for gateway and proxy. ` +
      `CPU pinning: ${s.pin ? 'each server under test alone on CPU 1 (taskset), sandbox and load generator on CPU 0' : `off${s.pinUnavailable ? ` (${s.pinUnavailable})` : ''}`}. ` +
      (s.nodeArgs.length ? `Node flags for the servers under test: \`${s.nodeArgs.join(' ')}\`. ` : '') +
      `Gateway: \`node dist/src/main.js\`, NODE_ENV=production. Run time ${results.elapsedSeconds?.toFixed(0) ?? '?'} s.`,
    '',
    'D = the sandbox called directly over REST (floor); P = bare node:http + undici proxy (ceiling for any Node gateway); ' +
      'Y = plain graphql-yoga + DataLoader, hand-written resolvers (bench/plain-yoga.ts; (a) and (b) only); G = this gateway. ' +
      '(f) and (h) make 2 dependent upstream calls, which no single REST call does: D, P and Y are n/a there, G shows its own figures. ' +
      '**CPU ms/op** (user + system CPU of the server process from /proc, per operation answered) is the headline: on one core it ' +
      'decides throughput and how many replicas a deployment needs. Y and G cells add "(vs P, vs Y)": % for req/s, × for everything else. ' +
      'Upstream figures come from the sandbox request log (bytes = request + response bodies).',
    '',
  ];
  for (const latency of s.latencies) {
    lines.push(`## Upstream latency ${latency} ms`, '', ...table(results.measurements.filter((row) => row.latencyMs === latency)), '');
  }
  lines.push('## Checks', '', ...checks(results), '', '## Targets', '', ...targetLines(results.targets ?? []), '');
  return lines.join('\n');
}

const HEADER = ['scenario', 'target', 'conns', 'CPU ms/op', 'req/s', 'p50 ms', 'p99 ms', 'upstream req/op', 'upstream B/op', 'peak RSS MB', 'RSS after MB', 'failures'];

function table(rows: Measurement[]): string[] {
  const out = [`| ${HEADER.join(' | ')} |`, `|${HEADER.map(() => '---').join('|')}|`];
  for (const row of rows) {
    const name = `${row.scenario}${row.connections === 1 ? ' (1c)' : ''}`;
    const target = TARGET_LABEL[row.target] + (row.sameAs ? ` (= ${row.sameAs})` : '');
    if (row.skipped) {
      out.push(`| ${name} | ${target} | ${row.connections} | ${row.skipped.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |${' |'.repeat(HEADER.length - 4)}`);
      continue;
    }
    const base = (t: Target) => rows.find((r) => r.target === t && r.connections === row.connections && r.scenario === row.scenario && !r.skipped);
    const proxy = row.target === 'gateway' || row.target === 'plain' ? base('proxy') : undefined;
    const plain = row.target === 'gateway' ? base('plain') : undefined;
    const cell = (pick: (r: Measurement) => number | undefined, format: (v: number) => string, kind: 'percent' | 'times') => {
      const value = pick(row);
      if (value === undefined || Number.isNaN(value)) return '–';
      return format(value) + ratios(value, proxy && pick(proxy), plain && pick(plain), kind);
    };
    const mb = (bytes: number | undefined) => (bytes === undefined ? undefined : bytes / 2 ** 20);
    out.push(
      `| ${name} | ${target} | ${row.connections} | ${[
        cell((r) => r.cpuPer1k, (v) => `**${v.toFixed(3)}**`, 'times'),
        cell((r) => r.rps, (v) => v.toFixed(0), 'percent'),
        cell((r) => r.p50Ms, (v) => v.toFixed(2), 'times'),
        cell((r) => r.p99Ms, (v) => v.toFixed(2), 'times'),
        cell((r) => r.upstreamRequestsPerOp, (v) => v.toFixed(2), 'times'),
        cell((r) => r.upstreamBytesPerOp, (v) => v.toFixed(0), 'times'),
        cell((r) => mb(r.peakRssBytes), (v) => v.toFixed(0), 'times'),
        cell((r) => mb(r.rssAfterBytes), (v) => v.toFixed(0), 'times'),
      ].join(' | ')} | ${row.failures ?? '–'} |`,
    );
  }
  return out;
}

const TARGET_LABEL: Record<Target, string> = { direct: 'D direct', proxy: 'P proxy', plain: 'Y plain yoga', gateway: 'G gateway', gatewayB: 'G′ gateway B' };

function ratios(value: number, proxy: number | undefined, plain: number | undefined, kind: 'percent' | 'times'): string {
  const one = (base: number | undefined, tag: string) => {
    if (base === undefined || Number.isNaN(base) || base === 0) return undefined;
    return kind === 'percent' ? `${((value / base) * 100).toFixed(0)}% ${tag}` : `${(value / base).toFixed(2)}× ${tag}`;
  };
  const parts = [one(proxy, 'P'), one(plain, 'Y')].filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

function checks(results: BenchResults): string[] {
  const out: string[] = [];
  for (const item of results.checks.equivalence ?? []) {
    const title = SCENARIOS.find((s) => s.key === item.scenario)?.title ?? item.scenario;
    if (item.error) {
      out.push(`- (${item.scenario}) ${title}: could not compare upstream calls: ${item.error.slice(0, 200)}`);
      continue;
    }
    const count =
      item.expectedRequests === undefined
        ? ''
        : item.gateway.length === item.expectedRequests
          ? ` (${item.gateway.length} request(s), as expected)`
          : ` (**${item.gateway.length} request(s), expected ${item.expectedRequests}**)`;
    const baseline = item.noBaseline
      ? ''
      : item.gateway.join('|') === item.direct.join('|')
        ? ' = baseline'
        : ` ≠ baseline \`${item.direct.join('; ')}\``;
    out.push(`- (${item.scenario}) ${title}: gateway upstream \`${item.gateway.join('; ')}\`${count}${baseline}`);
  }
  const p = results.checks.pushdown;
  if (p) {
    out.push(
      `- Field pushdown: \`group(id) { subject }\` costs ${p.subjectOnlyBytesPerOp.toFixed(0)} upstream bytes, every field ${p.allFieldsBytesPerOp.toFixed(0)}: ${(p.ratio * 100).toFixed(1)}%.`,
    );
  }
  const e = results.checks.entities;
  if (e) out.push(`- \`_entities\` with ${e.representations} representations: ${e.upstreamRequests} upstream request(s) (\`${e.requests.join('; ')}\`).`);
  const c = results.checks.cpuRatio;
  if (c) {
    out.push(
      `- Gateway CPU per operation at 0 ms, (a) and (b) alternating on one process: (a) ${c.aMsPerOp.toFixed(3)} ms, (b) ${c.bMsPerOp.toFixed(3)} ms: ${c.ratio.toFixed(2)}×.`,
    );
  }
  return out;
}

function targetLines(verdicts: TargetVerdict[]): string[] {
  const out = ['| target | measured | verdict |', '|---|---|---|'];
  for (const v of verdicts) out.push(`| ${v.target} | ${v.measured} | ${v.verdict} |`);
  return out;
}
