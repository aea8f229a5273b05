import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EventStoreUnavailable } from '../events/event-store.js';
import type { GroupEvents } from '../events/group-events.js';
import type { Logger } from '../logger.js';
import type { GatewayMetrics, WebhookOutcome } from '../observability/metrics.js';
import { GroupCacheUnavailable, type GroupCache } from '../graph/group-cache.js';
import { groupChangesOf, groupIdsOf } from './envelope.js';
import { SignatureCheck } from './signature.js';

export const WEBHOOK_PATH = '/webhooks/whatsapp';
/** Meta's webhook payloads are at most 3 MB. */
export const MAX_WEBHOOK_BYTES = 3 * 1024 * 1024;

export interface WebhookRouteOptions {
  /** WHATSAPP_APP_SECRET: the key of the `X-Hub-Signature-256` HMAC. Unset: every POST is refused (503). */
  appSecret: string | undefined;
  /** WHATSAPP_WEBHOOK_VERIFY_TOKEN. Unset: verification is refused. */
  verifyToken: string | undefined;
  events: GroupEvents;
  logger: Logger;
  /** Drops the groups a delivery is about, on every replica, before it is acknowledged; undefined when off. */
  groupCache?: GroupCache | undefined;
  /** Counts each request by outcome; undefined with METRICS=false. */
  metrics?: GatewayMetrics | undefined;
  /** WEBHOOK_MAX_CONCURRENT_BODIES: bodies being read (and handled) at once; beyond it 503. */
  maxConcurrentBodies?: number;
  /** WEBHOOK_BODY_TIMEOUT_MS: how long a sender may take to send its body; past it 408. */
  bodyTimeoutMs?: number;
}

/**
 * `GET|POST /webhooks/whatsapp`, in front of Yoga: Meta's verification handshake, then signed event
 * deliveries. The signature is checked over the raw bytes before anything is parsed; 200 only once
 * every group change is stored and published, so that Meta retries whatever was not.
 * What an unsigned sender can hold is bounded before any signature is known: a POST without a
 * well-formed signature header is refused unread, at most `maxConcurrentBodies` bodies (3 MB each)
 * are read at once, and each must arrive within `bodyTimeoutMs`.
 */
export function createWebhookRoute({ appSecret, verifyToken, events, groupCache, logger, metrics, maxConcurrentBodies = 16, bodyTimeoutMs = 10_000 }: WebhookRouteOptions) {
  if (!appSecret) logger.warn('webhooks: WHATSAPP_APP_SECRET is not set, so POST /webhooks/whatsapp refuses every delivery (503): signatures cannot be checked');
  if (!verifyToken) logger.warn('webhooks: WHATSAPP_WEBHOOK_VERIFY_TOKEN is not set, so GET /webhooks/whatsapp refuses Meta\'s verification (403)');

  let bodiesInFlight = 0;

  return async function handleWebhook(req: IncomingMessage, res: ServerResponse): Promise<void> {
    metrics?.webhookReceived(await handle(req, res));
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<WebhookOutcome> {
    if (req.method === 'GET') return verify(req, res, verifyToken);
    if (req.method !== 'POST') return reply(res, 'method_not_allowed', 405, 'Use GET (verification) or POST (events)', { allow: 'GET, POST' });
    if (!appSecret) return reply(res, 'no_secret', 503, 'Webhooks are not configured: WHATSAPP_APP_SECRET is not set');

    const declared = Number(req.headers['content-length']);
    if (declared > MAX_WEBHOOK_BYTES) return refuse(req, res, 'too_large', 413, 'Payload too large');
    const signature = SignatureCheck.of(req.headers['x-hub-signature-256'], appSecret);
    if (!signature) {
      logger.warn({ signed: req.headers['x-hub-signature-256'] !== undefined }, 'webhooks: refused a delivery with a missing or malformed signature');
      return refuse(req, res, 'bad_signature', 401, 'Invalid X-Hub-Signature-256');
    }
    if (bodiesInFlight >= maxConcurrentBodies) return refuse(req, res, 'busy', 503, 'Too many deliveries at once; retry later', { 'retry-after': '1' });
    bodiesInFlight++;
    try {
      return await handleSigned(req, res, signature);
    } finally {
      bodiesInFlight--;
    }
  }

  async function handleSigned(req: IncomingMessage, res: ServerResponse, signature: SignatureCheck): Promise<WebhookOutcome> {
    const body = await readBody(req, signature, MAX_WEBHOOK_BYTES, bodyTimeoutMs);
    if (body === 'too large') return refuse(req, res, 'too_large', 413, 'Payload too large');
    if (body === 'timeout') return refuse(req, res, 'body_timeout', 408, `The body did not arrive within ${bodyTimeoutMs} ms`);
    if (body === 'aborted') return 'aborted';
    // Checked before the chunks are joined: a forged body is never copied whole.
    if (!signature.matches()) {
      logger.warn({ bytes: body.size }, 'webhooks: refused a delivery with a wrong signature');
      return reply(res, 'bad_signature', 401, 'Invalid X-Hub-Signature-256');
    }
    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.concat(body.chunks, body.size).toString('utf8'));
    } catch {
      return reply(res, 'not_json', 400, 'The body is not JSON');
    }
    try {
      const changes = groupChangesOf(payload);
      // First: a subscriber reading the group on an event, and every later read, sees it afresh.
      await groupCache?.invalidate(groupIdsOf(changes), 'webhook');
      const { published, duplicates, tooOld } = await events.receive(changes);
      logger.debug({ published: published.length, duplicates, tooOld }, 'webhooks: delivery received');
      return reply(res, 'accepted', 200, 'EVENT_RECEIVED');
    } catch (error) {
      const unavailable = error instanceof EventStoreUnavailable || error instanceof GroupCacheUnavailable;
      logger.error({ err: { message: error instanceof Error ? error.message : String(error) } }, 'webhooks: could not store a delivery; Meta will retry it');
      return reply(res, 'store_failed', unavailable ? 503 : 500, 'Could not store the event; retry later');
    }
  }
}

/** `hub.mode=subscribe` with our verify token → the challenge, as plain text. Anything else → 403. */
function verify(req: IncomingMessage, res: ServerResponse, verifyToken: string | undefined): WebhookOutcome {
  const params = new URL(req.url ?? '/', 'http://gateway.invalid').searchParams;
  const token = params.get('hub.verify_token');
  const challenge = params.get('hub.challenge');
  const valid = verifyToken !== undefined && params.get('hub.mode') === 'subscribe' && token !== null && challenge !== null && sameText(token, verifyToken);
  if (!valid) return reply(res, 'verification_refused', 403, 'Verification refused');
  return reply(res, 'verification_ok', 200, challenge);
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

interface Body {
  chunks: Buffer[];
  size: number;
}

/** The raw body, counted and signed while it streams in; stops reading past `limit` or `timeoutMs`. */
function readBody(req: IncomingMessage, signature: SignatureCheck, limit: number, timeoutMs: number): Promise<Body | 'too large' | 'timeout' | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: Body | 'too large' | 'timeout' | 'aborted') => {
      clearTimeout(timer);
      if (typeof result === 'string') {
        req.removeAllListeners('data');
        chunks.length = 0;
      }
      resolve(result);
    };
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return finish('too large');
      signature.update(chunk);
      chunks.push(chunk);
    });
    req.on('end', () => finish({ chunks, size }));
    req.on('error', () => finish('aborted'));
    req.on('aborted', () => finish('aborted'));
  });
}

/**
 * Answers without reading (the rest of) the body, then closes the connection: the socket is
 * destroyed shortly after the answer left, so a sender cannot keep it open by dribbling on.
 */
function refuse(req: IncomingMessage, res: ServerResponse, outcome: WebhookOutcome, status: number, text: string, headers: Record<string, string> = {}): WebhookOutcome {
  req.pause();
  res.once('finish', () => setTimeout(() => req.socket.destroy(), 1000).unref());
  return reply(res, outcome, status, text, { connection: 'close', ...headers });
}

/** Answers, and returns `outcome` (what the request is counted as). */
function reply(res: ServerResponse, outcome: WebhookOutcome, status: number, text: string, headers: Record<string, string> = {}): WebhookOutcome {
  if (res.headersSent) return outcome;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(text);
  return outcome;
}
