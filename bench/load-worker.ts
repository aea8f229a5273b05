/**
 * The load generator's own process (forked by load.ts): runs autocannon on request and answers
 * with the counts and exact latency percentiles. Autocannon's histogram keeps whole milliseconds;
 * the per-response times it emits are hrtime-precise, so percentiles are computed from those.
 */
import autocannon from 'autocannon';
import type { LoadRequest, LoadResult } from './load.js';
import { percentile } from './stats.js';

process.on('message', (message: { id: number; request: LoadRequest }) => {
  run(message.request).then(
    (result) => process.send?.({ id: message.id, result }),
    (error: unknown) => process.send?.({ id: message.id, error: error instanceof Error ? error.message : String(error) }),
  );
});

async function run(request: LoadRequest): Promise<LoadResult> {
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  let ok = 0;
  const verify = verifier(request.expect);
  let lastResponseAt = 0;
  const record = (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    lastResponseAt = performance.now();
    if (statusCode < 200 || statusCode >= 300) return;
    ok++;
    if (count === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[count++] = responseTime;
  };
  const startedAt = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: request.url,
        method: request.method,
        headers: request.headers,
        ...(request.body !== undefined ? { body: Buffer.from(request.body) } : {}),
        connections: request.connections,
        ...(request.amount ? { amount: request.amount } : { duration: request.durationSeconds }),
        ...(request.overallRate ? { overallRate: request.overallRate } : {}),
        ...(request.mix ? { requests: requestsOf(request.mix, request.sharedMix ?? false) } : {}),
        pipelining: 1,
        timeout: 30,
        // Autocannon notices the end of a run only on this tick (default 1 s, which would round
        // every run up to whole seconds); its own `duration` is not used below either.
        sampleInt: 50,
        verifyBody: verify,
      },
      (error, done) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(done)),
    );
    instance.on('response', record);
    if (request.amount) setTimeout(() => instance.stop(), request.durationSeconds * 4_000).unref();
  });
  const sorted = latencies.subarray(0, count).sort();
  return {
    // From start to the last answer: exact for runs of a fixed number of requests.
    durationSeconds: lastResponseAt > startedAt ? (lastResponseAt - startedAt) / 1000 : result.duration,
    sent: result.requests.sent,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    mismatches: result.mismatches,
    p50Ms: percentile(sorted, 0.5),
    p90Ms: percentile(sorted, 0.9),
    p99Ms: percentile(sorted, 0.99),
    meanMs: count ? sorted.reduce((sum, value) => sum + value, 0) / count : Number.NaN,
    latencies: sorted.slice(),
  };
}

/** The mix as autocannon requests; shared: one cursor over it for every connection. */
function requestsOf(mix: NonNullable<LoadRequest['mix']>, shared: boolean): autocannon.Request[] {
  const requests = mix.map((r) => ({ ...r, body: r.body === undefined ? undefined : Buffer.from(r.body) }));
  if (!shared) return requests;
  let next = 0;
  return [{ setupRequest: (defaults) => ({ ...defaults, ...requests[next++ % requests.length]! }) }];
}

/** A response is wrong when its body carries an error, even under HTTP 200 (GraphQL's usual way). */
function verifier(expect: LoadRequest['expect']): (body: string | Buffer | undefined) => boolean {
  if (expect === 'graphql-data') return (body) => body !== undefined && !body.includes('"errors"') && body.includes('"data"');
  return (body) => body !== undefined && !body.includes('"error');
}
