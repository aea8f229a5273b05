/**
 * What an unsigned sender can make a gateway process hold (issue 18.6): 60 slow ~3 MB bodies with
 * a made-up signature leave its memory flat (at most WEBHOOK_MAX_CONCURRENT_BODIES are read, the
 * rest answered 503 unread), and a sender that stalls is cut by WEBHOOK_BODY_TIMEOUT_MS (408),
 * which frees its place for Meta's next delivery.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { memoryOf, peakGrowthOf } from '../../support/proc-stats.js';
import { startReplica, type Replica } from '../events/replica.js';
import { postWebhook, signatureOf, suspendItem, webhookBody } from '../events/support.js';

const MAX_BODIES = 4;
const BODY_TIMEOUT_MS = 4000;
const MiB = 1024 * 1024;

let sandbox: Sandbox;
let gateway: Replica;

beforeAll(async () => {
  sandbox = await startSandbox({ seedDemo: true });
  gateway = await startReplica({
    GRAPH_API_URL: sandbox.url,
    WEBHOOK_MAX_CONCURRENT_BODIES: String(MAX_BODIES),
    WEBHOOK_BODY_TIMEOUT_MS: String(BODY_TIMEOUT_MS),
  });
}, 120_000);

afterAll(async () => {
  await gateway?.stop();
  await sandbox?.close();
});

/**
 * POSTs `bytes` in 64 KiB chunks every `intervalMs` (or stops after `stallAfter` bytes), with a
 * well-formed signature header that is not the body's. Resolves with the status, or 0 when the
 * connection was cut before any answer.
 */
function slowPost(url: string, bytes: number, { intervalMs = 40, stallAfter }: { intervalMs?: number; stallAfter?: number } = {}): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(bytes), 'x-hub-signature-256': `sha256=${'ab'.repeat(32)}` },
    });
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const done = (status: number) => {
      clearInterval(timer);
      resolve(status);
    };
    req.once('response', (response) => {
      response.resume();
      done(response.statusCode ?? 0);
    });
    req.once('error', () => done(0));
    req.once('close', () => done(0));
    timer = setInterval(() => {
      if (stallAfter !== undefined && sent >= stallAfter) return;
      const size = Math.min(64 * 1024, bytes - sent);
      if (size <= 0) return clearInterval(timer);
      sent += size;
      req.write(Buffer.alloc(size, 0x20));
      if (sent === bytes) req.end();
    }, intervalMs);
  });
}

describe('webhook bodies from senders without the secret', () => {
  it('60 slow ~3 MB bodies: at most WEBHOOK_MAX_CONCURRENT_BODIES are read, the others 503 unread; memory stays flat', async () => {
    const pid = gateway.process.child.pid!;
    const { result: statuses, baseline, growth } = await peakGrowthOf(pid, () => Promise.all(Array.from({ length: 60 }, () => slowPost(gateway.webhookUrl, 3 * MiB - 1024))));
    // Figures for the closing note (before the fix: every body was buffered, ~150 MiB for 60).
    console.log(`60 slow 3 MB unsigned bodies: RSS ${(baseline / MiB).toFixed(0)} MiB before, peak growth ${(growth / MiB).toFixed(1)} MiB, answers ${JSON.stringify(countOf(statuses))}`);

    const busy = statuses.filter((status) => status === 503).length;
    const read = statuses.filter((status) => status === 401 || status === 408).length;
    expect(busy).toBeGreaterThanOrEqual(60 - MAX_BODIES);
    expect(read).toBeLessThanOrEqual(MAX_BODIES);
    expect(statuses.every((status) => [401, 408, 503, 0].includes(status))).toBe(true);
    // Four bodies of 3 MB at most, with room for the allocator: far from the 60 × 3 MB they were.
    expect(growth).toBeLessThan(40 * MiB);
    expect(memoryOf(pid).rss).toBeGreaterThan(0);

    // The gateway still takes Meta's deliveries.
    const group = sandbox.demoGroupIds[0]!;
    expect((await postWebhook(gateway.webhookUrl, webhookBody('group_status_update', suspendItem(group)))).status).toBe(200);
  }, 120_000);

  it('a POST without a well-formed signature header is refused before its body is read', async () => {
    const body = webhookBody('group_status_update', suspendItem(sandbox.demoGroupIds[0]!));
    expect((await postWebhook(gateway.webhookUrl, body, { 'x-hub-signature-256': undefined })).status).toBe(401);
    // A body that never arrives: answered at once all the same.
    const status = await new Promise<number>((resolve) => {
      const req = request(gateway.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '1000' } });
      req.once('response', (response) => (response.resume(), resolve(response.statusCode ?? 0)));
      req.once('error', () => resolve(0));
      req.flushHeaders();
    });
    expect(status).toBe(401);
  });

  it('senders that stall are answered 408 after WEBHOOK_BODY_TIMEOUT_MS, which frees their places', async () => {
    const stalled = Array.from({ length: MAX_BODIES }, () => slowPost(gateway.webhookUrl, 3 * MiB - 1024, { stallAfter: 64 * 1024 }));
    // While they hold every place, a genuine delivery is told to come back (Meta retries a 503).
    const body = webhookBody('group_status_update', suspendItem(sandbox.demoGroupIds[0]!));
    await expect.poll(async () => (await postWebhook(gateway.webhookUrl, body)).status, { timeout: BODY_TIMEOUT_MS - 500, interval: 200 }).toBe(503);
    expect(await Promise.all(stalled)).toEqual(Array(MAX_BODIES).fill(408));
    expect((await postWebhook(gateway.webhookUrl, body, { 'x-hub-signature-256': signatureOf(body) })).status).toBe(200);
  }, 60_000);
});

function countOf(statuses: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}
