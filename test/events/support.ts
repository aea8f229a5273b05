/**
 * Test support for events and webhooks: a gateway (real HTTP server, webhook route, WebSocket) in
 * front of a sandbox that delivers its webhooks to it, signed; subscribers over graphql-ws and SSE;
 * signed webhook posts.
 */
import { createHmac } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { loadConfig } from '../../src/config.js';
import { createGateway, type Gateway } from '../../src/gateway.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { startSandbox, WebhookDelivery, metaJson, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';
import { startServer, type GatewayServer } from '../../src/server.js';

export const APP_SECRET = 'events-test-app-secret';
export const VERIFY_TOKEN = 'events-test-verify-token';
/** Sees every group of the sandbox. */
export const ALL_GROUPS_TOKEN = 'events-token-sees-all';

export function signatureOf(body: string | Buffer, secret = APP_SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Meta's envelope around one group item, as Meta would serialise it (non-ASCII escaped). */
export function webhookBody(field: string, item: Record<string, unknown>, phoneNumberId = '15550100199'): string {
  return metaJson({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [{ field, value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550100199', phone_number_id: phoneNumberId }, groups: [item] } }],
      },
    ],
  });
}

export async function postWebhook(
  webhookUrl: string,
  body: string | Buffer,
  headers: Record<string, string | undefined> = { 'x-hub-signature-256': signatureOf(body) },
): Promise<{ status: number; text: string }> {
  const response = await fetch(webhookUrl, {
    method: 'POST',
    headers: Object.fromEntries(Object.entries({ 'content-type': 'application/json', ...headers }).filter((e): e is [string, string] => e[1] !== undefined)),
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  return { status: response.status, text: await response.text() };
}

let itemSequence = 0;
const loadedAt = Math.floor(Date.now() / 1000);
/** Unix seconds now, as Meta's samples quote them: items older than WEBHOOK_MAX_AGE_S are dropped. */
export function nowStamp(offsetSeconds = 0): string {
  return String(Math.floor(Date.now() / 1000) + offsetSeconds);
}

/** A distinct status item for a group (a suspension), stamped now, so each post is a new change. */
export function suspendItem(groupId: string, type: 'group_suspend' | 'group_suspend_cleared' = 'group_suspend'): Record<string, unknown> {
  itemSequence++;
  // Distinct however many are made in a second: one second earlier each, from when this module loaded.
  return { timestamp: String(loadedAt - itemSequence), group_id: groupId, type };
}

export interface EventsGateway {
  /** e.g. http://127.0.0.1:41234 */
  origin: string;
  webhookUrl: string;
  sandbox: Sandbox;
  delivery: WebhookDelivery;
  gateway: Gateway;
  server: GatewayServer;
  query(query: string, variables?: Record<string, unknown>, token?: string): Promise<{ data?: any; errors?: any[] }>;
  close(): Promise<void>;
}

/** A real gateway server (webhook route, SSE, WebSocket) on 127.0.0.1:0, with a sandbox that sends it webhooks. */
export async function startEventsGateway(
  options: { env?: Record<string, string>; sandbox?: SandboxOptions; logger?: Logger; delayMs?: number; noAppSecret?: boolean } = {},
): Promise<EventsGateway> {
  const delivery = new WebhookDelivery({ appSecret: APP_SECRET, delayMs: options.delayMs ?? 20 });
  const sandbox = await startSandbox({ seedDemo: true, webhooks: delivery, ...options.sandbox });
  sandbox.tokens.addToken(ALL_GROUPS_TOKEN, { groups: '*' });
  const config = loadConfig({
    NODE_ENV: 'test',
    GRAPH_API_URL: sandbox.url,
    WHATSAPP_WEBHOOK_VERIFY_TOKEN: VERIFY_TOKEN,
    ...options.env,
  });
  const logger = options.logger ?? createLogger({ level: 'silent' });
  const gateway = createGateway({ config, graphApiUrl: sandbox.url, logger, webhookAppSecret: options.noAppSecret ? undefined : APP_SECRET });
  const server = await startServer({ gateway, logger, port: 0, host: '127.0.0.1', shutdownTimeoutMs: 5000 });
  const origin = `http://127.0.0.1:${server.port}`;
  delivery.target = `${origin}/webhooks/whatsapp`;
  return {
    origin,
    webhookUrl: `${origin}/webhooks/whatsapp`,
    sandbox,
    delivery,
    gateway,
    server,
    async query(query, variables, token = ALL_GROUPS_TOKEN) {
      const response = await fetch(`${origin}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as { data?: any; errors?: any[] };
    },
    async close() {
      delivery.close();
      await server.shutdown('test done');
      await sandbox.close();
    },
  };
}

/** What a subscriber received: results in order, and how the subscription ended. */
export interface Subscription {
  results: { data?: any; errors?: any[] }[];
  /** Resolves when the server completed it (or it failed). */
  ended: Promise<'complete' | { error: unknown }>;
  /** Waits until `count` results have arrived (generous timeout). */
  waitForResults(count: number, timeoutMs?: number): Promise<{ data?: any; errors?: any[] }[]>;
  dispose(): void;
}

const connectedClients = new WeakSet<Client>();

export function wsClient(origin: string, token: string | undefined): Client {
  const client = createClient({
    url: `${origin.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
  });
  client.on('connected', () => connectedClients.add(client));
  return client;
}

/** Subscribes over graphql-ws; resolves once the server has acknowledged the connection. */
export async function subscribeWs(client: Client, query: string, variables: Record<string, unknown> = {}): Promise<Subscription> {
  const results: Subscription['results'] = [];
  let endedResolve!: (value: 'complete' | { error: unknown }) => void;
  const ended = new Promise<'complete' | { error: unknown }>((resolve) => (endedResolve = resolve));
  const connected = new Promise<void>((resolve) => {
    const off = client.on('connected', () => (off(), resolve()));
  });
  const dispose = client.subscribe(
    { query, variables },
    { next: (value) => void results.push(value as never), error: (error) => endedResolve({ error }), complete: () => endedResolve('complete') },
  );
  if (!connectedClients.has(client)) await Promise.race([connected, ended]);
  // The server registers the subscription right after the `subscribe` message: give it a moment.
  await new Promise((resolve) => setTimeout(resolve, 100));
  return { results, ended, waitForResults: (count, timeoutMs) => waitForCount(results, count, timeoutMs), dispose };
}

export async function waitForCount<T>(items: T[], count: number, timeoutMs = 15_000): Promise<T[]> {
  const deadline = Date.now() + timeoutMs;
  while (items.length < count) {
    if (Date.now() > deadline) throw new Error(`Expected ${count} results, got ${items.length}: ${JSON.stringify(items).slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return items;
}

export const EVENT_FIELDS = `eventId __typename groupId phoneNumberId requestId errors { code message }`;
