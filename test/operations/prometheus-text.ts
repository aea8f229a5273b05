/** One scrape of `/metrics`: each sample by its series (`name{a="1",b="2"}`, labels sorted). */
export type Scrape = Map<string, number>;

export async function scrape(metricsUrl: string): Promise<Scrape> {
  const response = await fetch(metricsUrl);
  if (response.status !== 200) throw new Error(`GET ${metricsUrl}: HTTP ${response.status}`);
  return parsePrometheusText(await response.text());
}

/** Prometheus text exposition format, samples only (comments skipped). */
export function parsePrometheusText(text: string): Scrape {
  const samples: Scrape = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample: ${line}`);
    const labels = [...(match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)]
      .map(([, name, value]) => `${name}="${value}"`)
      .sort();
    samples.set(series(match[1]!, labels), Number(match[3]));
  }
  return samples;
}

function series(name: string, labels: string[]): string {
  return labels.length ? `${name}{${labels.join(',')}}` : name;
}

/** The key of a series: `key('graph_api_requests_total', { kind: 'node', outcome: '2xx' })`. */
export function key(name: string, labels: Record<string, string> = {}): string {
  return series(
    name,
    Object.entries(labels)
      .map(([label, value]) => `${label}="${value}"`)
      .sort(),
  );
}

/** How much each series named `name` grew between two scrapes (series absent before count from 0); zero growth left out. */
export function growth(before: Scrape, after: Scrape, name: string): Record<string, number> {
  const grown: Record<string, number> = {};
  for (const [series, value] of after) {
    if (series !== name && !series.startsWith(`${name}{`)) continue;
    const delta = value - (before.get(series) ?? 0);
    if (delta !== 0) grown[series] = delta;
  }
  return grown;
}
