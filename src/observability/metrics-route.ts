import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger.js';
import { createRequestTrace } from '../request-trace.js';

export const METRICS_PATH = '/metrics';

export interface MetricsRouteOptions {
  registry: Registry;
  /** METRICS_TOKEN: when set, only `Authorization: Bearer <token>` is answered; anything else is 401. */
  token: string | undefined;
  logger: Logger;
}

/**
 * `GET /metrics` (Prometheus text), in front of Yoga like the webhook route: on the public port, or
 * alone on METRICS_PORT. The rules of every other route hold here too: the server's header and
 * request timeouts, a size limit (a scrape has no body: one is refused with 413, unread), a request
 * id (`x-request-id`, the caller's when sane) and a log line per request: refusals at `warn`,
 * scrapes at `debug` (Prometheus asks every few seconds).
 */
export function createMetricsRoute({ registry, token, logger }: MetricsRouteOptions) {
  const expected = token === undefined ? undefined : digest(token);

  return async function handleMetrics(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = performance.now();
    const { requestId } = createRequestTrace(singleHeader(req, 'x-request-id'));
    res.setHeader('x-request-id', requestId);
    let status: number;
    try {
      status = await answer(req, res);
    } catch (error) {
      logger.error({ requestId, err: error }, 'metrics: could not collect the registry');
      status = reply(res, 500, 'Could not collect the metrics');
    }
    const line = { requestId, method: req.method, path: METRICS_PATH, status, durationMs: Math.round((performance.now() - startedAt) * 10) / 10 };
    if (status === 200) logger.debug(line, 'metrics request');
    else logger.warn(line, 'metrics request refused');
  };

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<number> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, 'Use GET', { allow: 'GET, HEAD' });
    const length = req.headers['content-length'];
    if (req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')) {
      return reply(res, 413, 'A metrics request has no body', { connection: 'close' });
    }
    if (expected !== undefined && !authorized(singleHeader(req, 'authorization'), expected)) {
      return reply(res, 401, 'Send Authorization: Bearer <METRICS_TOKEN>', { 'www-authenticate': 'Bearer realm="metrics"' });
    }
    const text = await registry.metrics();
    res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : text);
    return 200;
  }
}

/** Compared as SHA-256 digests: equal lengths for timingSafeEqual, whatever the caller sent. */
function authorized(header: string | undefined, expected: Buffer): boolean {
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match !== null && timingSafeEqual(digest(match[1]!), expected);
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function singleHeader(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function reply(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): number {
  if (res.headersSent) return status;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(text);
  return status;
}
