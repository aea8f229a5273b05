/**
 * `npm run bench:events` (also the last step of `npm run bench`): group events across replicas.
 * Starts a Debian redis-server on a free loopback port, the sandbox, and two gateway processes
 * (`node dist/src/main.js`, NODE_ENV=production) sharing that Redis. 100 graphql-ws subscribers
 * (50 per replica) listen to `groupEvents`; the bench posts signed webhooks alternately to both
 * replicas and measures:
 *   1. webhook-to-subscriber latency (POST sent → event received, every subscriber), p50/p99,
 *      at a steady 10 webhooks/s (1000 deliveries/s);
 *   2. the webhooks per second one replica accepts (200) with 32 posts in flight, and the events
 *      per second delivered to the 100 subscribers meanwhile.
 * Environment: EVENTS_BENCH_SECONDS (throughput phase, default 10), EVENTS_BENCH_LATENCY_EVENTS (default 200).
 */
import { createHmac } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createClient, type Client } from 'graphql-ws';
import { Agent, request } from 'undici';
import WebSocket from 'ws';
import { freePort, startNode, type Started } from '../support/processes.js';
import { startRedis } from '../support/redis-server.js';
import { percentile } from './stats.js';

const SECRET = 'bench-events-app-secret';
const TOKEN = 'bench-events-token';
const SUBSCRIBERS = 100;
const PHONE = '15550100199';
const dist = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const seconds = Number(process.env.EVENTS_BENCH_SECONDS ?? 10);
const latencyEvents = Number(process.env.EVENTS_BENCH_LATENCY_EVENTS ?? 200);

async function main(): Promise<void> {
  const redis = await startRedis();
  const started: Started[] = [];
  const clients: Client[] = [];
  try {
    const sandboxPort = await freePort();
    const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
    started.push(await startNode({ name: 'sandbox', script: dist('src/sandbox/main.js'), env: { SANDBOX_PORT: String(sandboxPort), NODE_ENV: 'production' }, readyUrl: `${sandboxUrl}/__sandbox/state`, quiet: true }));
    await admin(sandboxUrl, 'tokens', { token: TOKEN, groups: '*' });
    const groups: string[] = [];
    for (let i = 0; i < 10; i++) groups.push(((await admin(sandboxUrl, 'groups', { subject: `bench ${i}` })) as { id: string }).id);

    const replicas: string[] = [];
    for (const name of ['replica A', 'replica B']) {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      started.push(
        await startNode({
          name,
          script: dist('src/main.js'),
          env: { NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), GRAPH_API_URL: sandboxUrl, REDIS_URL: redis.url, WHATSAPP_APP_SECRET: SECRET, LOG_LEVEL: 'warn' },
          readyUrl: `${url}/ready`,
        }),
      );
      await waitReady(`${url}/ready`);
      replicas.push(url);
    }

    // Subscribers: 50 per replica. Each records (receivedAt, requestId) of every event.
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    let delivered = 0;
    await Promise.all(
      Array.from({ length: SUBSCRIBERS }, (_, i) => {
        const client = createClient({ url: `${replicas[i % 2]!.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${TOKEN}` }, retryAttempts: 0 });
        clients.push(client);
        return new Promise<void>((resolve) => {
          const off = client.on('connected', () => (off(), resolve()));
          client.subscribe({ query: 'subscription { groupEvents { eventId requestId } }' }, {
            next: (result) => {
              delivered++;
              const requestId = (result.data as { groupEvents?: { requestId?: string } } | undefined)?.groupEvents?.requestId;
              const sent = requestId ? sentAt.get(requestId) : undefined;
              if (sent !== undefined) latencies.push(performance.now() - sent);
            },
            error: (error) => process.stderr.write(`subscriber ${i} failed: ${JSON.stringify(error)}\n`),
            complete: () => undefined,
          });
        });
      }),
    );
    await sleep(500);

    const agent = new Agent({ connections: 64 });
    let sequence = 0;
    const post = async (replica: string, measure: boolean): Promise<number> => {
      const requestId = `bench-${++sequence}`;
      const body = webhookBody(groups[sequence % groups.length]!, requestId);
      if (measure) sentAt.set(requestId, performance.now());
      const response = await request(`${replica}/webhooks/whatsapp`, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}` },
        body,
      });
      await response.body.dump();
      return response.statusCode;
    };

    // Warm-up: access checks (once per token and group per minute), JIT.
    for (let i = 0; i < 40; i++) await post(replicas[i % 2]!, false);
    await sleep(1000);

    log(`latency: ${latencyEvents} webhooks at 10/s, alternating replicas, ${SUBSCRIBERS} subscribers`);
    for (let i = 0; i < latencyEvents; i++) {
      void post(replicas[i % 2]!, true);
      await sleep(100);
    }
    const expected = latencyEvents * SUBSCRIBERS;
    const deadline = Date.now() + 30_000;
    while (latencies.length < expected && Date.now() < deadline) await sleep(100);
    const sorted = Float64Array.from(latencies).sort();
    const latency = { samples: sorted.length, expected, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted[sorted.length - 1] ?? NaN };

    log(`throughput: ${seconds} s of webhooks to replica A, 32 in flight`);
    const deliveredBefore = delivered;
    let accepted = 0;
    let refused = 0;
    const until = performance.now() + seconds * 1000;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (performance.now() < until) {
          if ((await post(replicas[0]!, false)) === 200) accepted++;
          else refused++;
        }
      }),
    );
    const elapsed = (performance.now() - t0) / 1000;
    await sleep(2000);
    const throughput = { webhooksPerSecond: accepted / elapsed, refused, eventsDeliveredPerSecond: (delivered - deliveredBefore) / (elapsed + 2) };
    await agent.close();

    const lines = [
      `## Events (${new Date().toISOString()}, ${cpus().length} CPUs, load ${loadavg()[0]!.toFixed(2)})`,
      '',
      '| measure | value |',
      '|---|---|',
      `| webhook → subscriber latency, ${SUBSCRIBERS} subscribers over 2 replicas (Redis), 10 webhooks/s | p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms (max ${latency.max.toFixed(1)} ms; ${latency.samples}/${latency.expected} deliveries) |`,
      `| webhooks one replica accepts (signed, stored in Redis, published), 32 in flight | ${throughput.webhooksPerSecond.toFixed(0)} /s (${throughput.refused} refused) |`,
      `| events delivered to the ${SUBSCRIBERS} subscribers meanwhile | ${throughput.eventsDeliveredPerSecond.toFixed(0)} /s |`,
      '',
    ];
    const markdown = lines.join('\n');
    const results = fileURLToPath(new URL('../../bench/results', import.meta.url));
    mkdirSync(results, { recursive: true });
    writeFileSync(`${results}/events.md`, markdown);
    writeFileSync(`${results}/events.json`, JSON.stringify({ latency, throughput, subscribers: SUBSCRIBERS }, null, 2));
    process.stdout.write(`\n${markdown}\nWritten: bench/results/events.{md,json}\n`);
  } finally {
    await Promise.all(clients.map((c) => c.dispose()));
    for (const s of started.reverse()) await s.stop();
    await redis.stop();
  }
}

function webhookBody(groupId: string, requestId: string): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: '102290129340398', changes: [{ field: 'group_settings_update', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: PHONE, phone_number_id: PHONE }, groups: [{ timestamp: String(Math.floor(Date.now() / 1000)), group_id: groupId, type: 'group_settings_update', request_id: requestId, group_subject: { text: requestId, update_successful: true } }] } }] }],
  });
}

async function admin(sandboxUrl: string, route: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${sandboxUrl}/__sandbox/${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`sandbox admin ${route}: ${response.status} ${await response.text()}`);
  return response.json();
}

async function waitReady(url: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while ((await fetch(url).then((r) => r.status, () => 0)) !== 200) {
    if (Date.now() > deadline) throw new Error(`${url} never became ready`);
    await sleep(100);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function log(message: string): void {
  process.stderr.write(`[bench:events] ${message}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
