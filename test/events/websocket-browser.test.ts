/**
 * The WebSocket door from a real browser (headless Chromium) and a real gateway process: a page on
 * another origin cannot read through it, even with the default token set; nothing a client sends
 * over it is written into the log as a line of its own.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { launchChromium } from '../../support/chromium.js';
import { startReplica, type Replica } from './replica.js';
import { ALL_GROUPS_TOKEN } from './support.js';

const FORGED_LINE = '{"level":60,"time":1764489600000,"service":"whatsapp-groups-gateway","msg":"FORGED"}';

let sandbox: Sandbox;
let gateway: Replica;
let browser: Browser;
let otherSite: Server;
let otherOrigin: string;

beforeAll(async () => {
  browser = await launchChromium();
  sandbox = await startSandbox({ seedDemo: true });
  sandbox.tokens.addToken(ALL_GROUPS_TOKEN, { groups: '*' });
  // The default token is set: a request without credentials acts as this deployment's account.
  gateway = await startReplica({ GRAPH_API_URL: sandbox.url, WHATSAPP_ACCESS_TOKEN: ALL_GROUPS_TOKEN });
  otherSite = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>elsewhere</title>'));
  await new Promise<void>((resolve) => otherSite.listen(0, '127.0.0.1', resolve));
  otherOrigin = `http://127.0.0.1:${(otherSite.address() as AddressInfo).port}`;
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
  otherSite?.close();
  await sandbox?.close();
});

/** In the page: graphql-ws by hand (connection_init, then one subscribe); what came back. */
function readOverWebSocket(page: Page, url: string, query: string): Promise<{ messages: string[]; closeCode: number | null }> {
  return page.evaluate(
    ({ url, query }) =>
      new Promise<{ messages: string[]; closeCode: number | null }>((resolve) => {
        const messages: string[] = [];
        // `window.`: the test module's own `WebSocket` (from ws) is not the page's.
        const socket = new window.WebSocket(url, 'graphql-transport-ws');
        socket.onopen = () => socket.send(JSON.stringify({ type: 'connection_init', payload: {} }));
        socket.onmessage = (event) => {
          messages.push(String(event.data));
          const message = JSON.parse(String(event.data)) as { type: string };
          if (message.type === 'connection_ack') socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
          if (message.type === 'complete' || message.type === 'error') socket.close();
        };
        socket.onclose = (event) => resolve({ messages, closeCode: event.code });
        setTimeout(() => resolve({ messages, closeCode: null }), 10_000);
      }),
    { url, query },
  );
}

describe('the WebSocket door from a browser', () => {
  it('a page on another origin cannot read a group through it (default token set); the gateway\'s own page can', async () => {
    const groupId = sandbox.demoGroupIds[0]!;
    const query = `{ group(id: "${groupId}") { subject inviteLink participants { waId } } }`;
    const wsUrl = `${gateway.origin.replace(/^http/, 'ws')}/graphql`;
    sandbox.requests.length = 0;

    const page = await browser.newPage();
    await page.goto(otherOrigin);
    const crossOrigin = await readOverWebSocket(page, wsUrl, query);
    // Refused at the upgrade: the handshake never completed (1006), nothing was read, nothing went upstream.
    expect(crossOrigin).toEqual({ messages: [], closeCode: 1006 });
    // Nor by fetch: the preflight gets no CORS grant.
    const viaFetch = await page.evaluate(
      (url) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' }).then((r) => r.status, (e: Error) => e.name),
      `${gateway.origin}/graphql`,
    );
    expect(viaFetch).toBe('TypeError');
    expect(sandbox.requests).toEqual([]);

    // The control: the same code from the gateway's own origin reads the group.
    await page.goto(`${gateway.origin}/health`);
    const sameOrigin = await readOverWebSocket(page, wsUrl, query);
    const next = sameOrigin.messages.map((m) => JSON.parse(m) as { type: string; payload?: any }).find((m) => m.type === 'next');
    expect(next?.payload?.data?.group?.subject).toEqual(expect.any(String));
    await page.close();
  }, 60_000);

  it('a syntax error carrying a forged log line: a graphql-ws `error` message, the socket stays open, and no forged line in the log', async () => {
    const socket = new WebSocket(`${gateway.origin.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    const messages: { id?: string; type: string; payload?: any }[] = [];
    socket.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString()) as never));
    let closed = false;
    socket.on('close', () => (closed = true));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${ALL_GROUPS_TOKEN}` } }));
    await waitUntil(() => messages.some((m) => m.type === 'connection_ack'));
    socket.send(JSON.stringify({ id: 'forged', type: 'subscribe', payload: { query: `{ ${JSON.stringify(`\n${FORGED_LINE}\n`)} }` } }));
    socket.send(JSON.stringify({ id: 'after', type: 'subscribe', payload: { query: '{ __typename }' } }));
    await waitUntil(() => messages.some((m) => m.id === 'after' && m.type === 'complete'));

    const forged = messages.filter((m) => m.id === 'forged');
    expect(forged.map((m) => m.type)).toEqual(['error']);
    expect(forged[0]?.payload?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(messages.filter((m) => m.id === 'after')).toEqual([
      { id: 'after', type: 'next', payload: { data: { __typename: 'Query' } } },
      { id: 'after', type: 'complete' },
    ]);
    expect(closed).toBe(false);
    socket.close();
    // Logs leave in buffered writes (flushed every 200 ms): let them arrive before reading.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const lines = gateway.process.output().split('\n');
    const parsesAsForged = (line: string) => {
      try {
        return (JSON.parse(line) as { msg?: unknown }).msg === 'FORGED';
      } catch {
        return false;
      }
    };
    expect(lines.filter((line) => line.trim() === FORGED_LINE || parsesAsForged(line))).toEqual([]);
    expect(lines.some((line) => /"msg":"graphql request"/.test(line))).toBe(true);
  }, 60_000);
});

async function waitUntil(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
