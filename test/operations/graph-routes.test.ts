import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { GraphClient, type GraphCall } from '../../src/graph/client.js';
import { GatewayMetrics } from '../../src/observability/metrics.js';
import { parsePrometheusText, key } from './prometheus-text.js';

/**
 * Metrics read what a Graph call is from the route its caller gave, not from its URL: a send
 * through a phone number (`POST /{phone-number-id}/messages`) is counted as messages, not as a
 * write to a group, though its path has the shape of a group's edge.
 */
let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function okUpstream(): Promise<{ url: string; paths: string[] }> {
  const paths: string[] = [];
  server = createServer((req, res) => {
    paths.push(`${req.method} ${(req.url ?? '').split('?')[0]}`);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ messages: [{ id: 'wamid.1' }], success: true }));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, paths };
}

describe('upstream metrics by route', () => {
  it('count a message send as messages and a group update as a write, whatever their paths look like', async () => {
    const upstream = await okUpstream();
    const metrics = new GatewayMetrics({ processMetrics: false });
    const client = new GraphClient({ baseUrl: upstream.url, version: 'v23.0', timeoutMs: 5_000, connections: 2, maxConcurrency: 2, maxQueue: 2, retries: 0, observer: metrics.graphObserver });
    const writes: unknown[] = [];
    const credentials = { token: 'EAAtenantToken0123456789', onWrite: (write: unknown) => writes.push(write) };
    const send: GraphCall = {
      method: 'POST',
      path: '/15550100199/messages',
      route: { kind: 'messages.send', template: '/{phone-number-id}/messages', phoneNumberId: '15550100199', groupId: 'G1' },
      body: { json: { messaging_product: 'whatsapp', recipient_type: 'group', to: 'G1', type: 'text', text: { body: 'hi' } } },
    };
    const update: GraphCall = { method: 'POST', path: '/G1', route: { kind: 'group.update', template: '/{group-id}', groupId: 'G1' }, body: { json: { subject: 'x' } } };
    try {
      await client.call(send, credentials);
      await client.call(update, credentials);
    } finally {
      await client.close();
    }
    expect(upstream.paths).toEqual(['POST /v23.0/15550100199/messages', 'POST /v23.0/G1']);
    const samples = parsePrometheusText(await metrics.registry.metrics());
    const requests = [...samples].filter(([series, value]) => series.startsWith('graph_api_requests_total') && value > 0);
    expect(Object.fromEntries(requests)).toEqual({
      [key('graph_api_requests_total', { kind: 'messages', outcome: '2xx' })]: 1,
      [key('graph_api_requests_total', { kind: 'write', outcome: '2xx' })]: 1,
    });
    // The write ledger is told each write's route: the group a send names, as the caller set it.
    expect(writes).toEqual([
      { route: send.route, answer: { messages: [{ id: 'wamid.1' }], success: true } },
      { route: update.route, answer: { messages: [{ id: 'wamid.1' }], success: true } },
    ]);
  });
});
