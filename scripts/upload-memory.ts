/**
 * Measures the gateway's peak memory for uploads (docs/lifecycle.md, "Memory", quotes the output):
 *   npx tsx scripts/upload-memory.ts
 * The gateway runs as its own process (as `npm start` runs it) in front of a sandbox started here,
 * so neither the sandbox nor this client is counted. Linux only: reads VmRSS/VmHWM from /proc.
 */
import { createHash } from 'node:crypto';
import { startSandbox } from '../src/sandbox/index.js';
import { postMultipart } from '../support/multipart.js';
import { memoryOf, peakGrowthOf } from '../support/proc-stats.js';
import { startGatewayProcess } from '../support/processes.js';
import { makeJpeg } from '../support/jpeg.js';

const TOKEN = 'upload-memory-token';
const MB = 1_000_000;
const MiB = 1024 * 1024;
const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;
const query = 'mutation ($input: UpdateGroupInput!) { updateGroup(input: $input) { success } }';

const sandbox = await startSandbox();
sandbox.tokens.addToken(TOKEN, { groups: '*' });
const gateway = startGatewayProcess({ PORT: '0', HOST: '127.0.0.1', GRAPH_API_URL: sandbox.url, LOG_LEVEL: 'info', ...(process.env.GATEWAY_TMPDIR ? { TMPDIR: process.env.GATEWAY_TMPDIR } : {}), ...(process.env.MAX_CONCURRENT_UPLOADS ? { MAX_CONCURRENT_UPLOADS: process.env.MAX_CONCURRENT_UPLOADS } : {}) });
try {
  const [, port] = await gateway.waitFor(/"port":(\d+)/);
  const url = `http://127.0.0.1:${port}/graphql`;
  const pid = gateway.child.pid!;
  const upload = (file: Parameters<typeof postMultipart>[1]['file'], transfer?: 'chunked') =>
    postMultipart(url, {
      query,
      variables: { input: { id: sandbox.groups.seedGroup().id, profilePicture: null } },
      file,
      ...(transfer ? { transfer } : {}),
      headers: { authorization: `Bearer ${TOKEN}`, 'x-graphql-yoga-csrf': '1' },
    });
  const report = (label: string, m: { baseline: number; peak: number; growth: number }, detail: string) =>
    console.log(`${label.padEnd(46)} baseline ${mib(m.baseline).padStart(9)}  peak ${mib(m.peak).padStart(9)}  growth ${mib(m.growth).padStart(9)}  ${detail}`);

  // Warm-up with small pictures: module loading and first-request costs are not the upload's.
  for (let i = 0; i < 3; i++) await upload({ bytes: makeJpeg(256, 256) });
  await new Promise((r) => setTimeout(r, 500));
  console.log(`gateway pid ${pid}, resident after start-up and warm-up: ${mib(memoryOf(pid).rss)}`);

  const fifty = { size: 50 * MB, head: makeJpeg(1024, 1024).subarray(0, 200) };
  const declared = await peakGrowthOf(pid, () => upload(fifty));
  report('50 MB upload, Content-Length declared', declared, `HTTP ${declared.result.status}, ${mib(declared.result.bytesSent)} sent before the answer, connection: ${declared.result.connection}`);
  // A client that streams on without looking: the gateway answers and Node closes the connection,
  // so the client may see a reset instead of the answer (docs/lifecycle.md, "Uploads: the GraphQL multipart request spec"); memory is what counts here.
  const chunked = await peakGrowthOf(pid, () => upload(fifty, 'chunked').catch((error: Error) => error));
  report(
    '50 MB upload, chunked',
    chunked,
    chunked.result instanceof Error
      ? `client saw ${chunked.result.message} (connection closed by the gateway after its answer)`
      : `HTTP ${chunked.result.status}, ${mib(chunked.result.bytesSent)} sent before the answer, connection: ${chunked.result.connection}`,
  );

  // The benchmark's upload scenario, alone: from one 1 MiB upload in flight at a time to 20 at a
  // time, sustained, peak resident growth as a multiple of the 20 MiB in flight.
  const oneMiB = makeJpeg(1024, 1024, { totalBytes: MiB });
  const keepInFlight = async (connections: number, seconds: number) => {
    const until = Date.now() + seconds * 1000;
    let ok = 0;
    let failed = 0;
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (Date.now() < until) {
          const { body } = await upload({ bytes: oneMiB });
          if (JSON.stringify(body) === '{"data":{"updateGroup":{"success":true}}}') ok++;
          else failed++;
        }
      }),
    );
    return { ok, failed };
  };
  await keepInFlight(1, 3);
  const sustained = await peakGrowthOf(pid, () => keepInFlight(20, 8));
  report(
    '20 × 1 MiB uploads in flight for 8 s',
    sustained,
    `${(sustained.growth / (20 * MiB)).toFixed(2)}× the 20 MiB in flight (growth over one in flight); ${sustained.result.ok} succeeded, ${sustained.result.failed} failed`,
  );

  const jpeg = makeJpeg(1024, 1024, { totalBytes: 5 * MB });
  const concurrent = await peakGrowthOf(pid, () => Promise.all(Array.from({ length: 20 }, () => upload({ bytes: jpeg }))));
  const ok = concurrent.result.filter((r) => JSON.stringify(r.body) === '{"data":{"updateGroup":{"success":true}}}').length;
  const sha = createHash('sha256').update(jpeg).digest('hex');
  const stored = sandbox.groups.list().filter((g) => g.picture?.sha256 === sha).length;
  report('20 concurrent valid 5 MB JPEG uploads', concurrent, `${ok}/20 succeeded, ${stored} stored upstream with the same sha256`);
} finally {
  await gateway.stop();
  await sandbox.close();
}
