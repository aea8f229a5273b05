import { createHmac } from 'node:crypto';
import { Pool, errors as undiciErrors } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { UpstreamError, fromGraphEnvelope, isGraphErrorEnvelope } from './errors.js';
import type { MultipartBody } from './multipart.js';

export interface GraphClientOptions {
  /** Origin (and optional path prefix) of the Graph API, e.g. https://graph.facebook.com */
  baseUrl: string;
  /** Path version prefix, e.g. v23.0 */
  version: string;
  /** With a secret, every call carries appsecret_proof + appsecret_time (notes §5). */
  appSecret?: string | undefined;
  timeoutMs: number;
  connections: number;
}

/** Who is calling: the caller's token travels in a header, never in a URL. */
export interface GraphCredentials {
  token: string;
  /** Aborts the upstream call when the GraphQL request goes away. */
  signal?: AbortSignal | undefined;
}

export type GraphBody =
  | { json: Record<string, unknown> }
  | { form: Record<string, string> }
  | { multipart: MultipartBody };

export interface GraphCall {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path below the version, starting with '/': '/<group-id>' or '/' for batch and multi-id reads. */
  path: string;
  query?: Record<string, string>;
  body?: GraphBody;
}

/**
 * The one way out to the Graph API: a keep-alive undici pool to a single origin. Resolves with the
 * parsed JSON of a 2xx answer; everything else (error envelopes, timeouts, resets, non-JSON)
 * rejects with an UpstreamError.
 */
export class GraphClient {
  private readonly pool: Pool;
  private readonly pathPrefix: string;

  constructor(private readonly options: GraphClientOptions) {
    const url = new URL(options.baseUrl);
    this.pathPrefix = `${url.pathname.replace(/\/+$/, '')}/${options.version}`;
    this.pool = new Pool(url.origin, {
      connections: options.connections,
      keepAliveTimeout: 30_000,
      // Backstops; the precise per-call deadline is the AbortSignal in call().
      headersTimeout: options.timeoutMs + 1_000,
      bodyTimeout: options.timeoutMs + 1_000,
      connectTimeout: options.timeoutMs,
    });
  }

  /** The version prefix batch operations use in their relative_url. */
  get version(): string {
    return this.options.version;
  }

  async call<T = unknown>(call: GraphCall, credentials: GraphCredentials): Promise<T> {
    const limit = deadline(credentials.signal, this.options.timeoutMs);
    const { headers, body } = encodeBody(call.body);
    try {
      const response = await this.pool.request({
        method: call.method,
        path: this.pathPrefix + call.path,
        query: { ...call.query, ...this.appSecretProof(credentials.token) },
        headers: { ...headers, authorization: `Bearer ${credentials.token}`, accept: 'application/json' },
        body,
        signal: limit.signal,
      });
      return (await readGraphResponse(response.statusCode, response.headers, response.body)) as T;
    } catch (error) {
      throw toUpstreamError(error, limit.timedOut(), this.options.timeoutMs);
    } finally {
      limit.dispose();
    }
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private appSecretProof(token: string): Record<string, string> {
    if (!this.options.appSecret) return {};
    const time = Math.floor(Date.now() / 1000).toString();
    const proof = createHmac('sha256', this.options.appSecret).update(`${token}|${time}`).digest('hex');
    return { appsecret_proof: proof, appsecret_time: time };
  }
}

/**
 * The signal for one upstream call: aborted when the caller's signal aborts or `timeoutMs` passes,
 * as `AbortSignal.any([caller, AbortSignal.timeout(ms)])` would be. Built by hand because that pair
 * cost 13–18% of the gateway's CPU per operation on Node 20 (bench/README.md, "Profile"):
 * any() turns whatwg-node's lazy request signal into a native one and registers dependants on it.
 */
function deadline(caller: AbortSignal | undefined, timeoutMs: number) {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
  }, timeoutMs);
  // As with AbortSignal.timeout, a pending deadline does not keep the process alive.
  timer.unref();
  const onCallerAbort = () => controller.abort(caller?.reason);
  if (caller?.aborted) onCallerAbort();
  else caller?.addEventListener('abort', onCallerAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    dispose() {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onCallerAbort);
    },
  };
}

function encodeBody(body: GraphBody | undefined): { headers: Record<string, string>; body?: string | Readable } {
  if (!body) return { headers: {} };
  if ('json' in body) return { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body.json) };
  if ('form' in body) {
    return {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(body.form).toString(),
    };
  }
  // Sent from memory with its Content-Length: never a half-streamed body.
  return {
    headers: { 'content-type': body.multipart.contentType, 'content-length': String(body.multipart.length) },
    // The chunks as they are (no concatenation): undici checks they add up to the Content-Length.
    body: Readable.from(body.multipart.chunks),
  };
}

interface ReadableBody {
  text(): Promise<string>;
  dump(): Promise<void>;
}

/** Handles both shapes the notes call uncertain: JSON bodies and empty ones (204, or no body at all). */
async function readGraphResponse(status: number, headers: IncomingHttpHeaders, body: ReadableBody): Promise<unknown> {
  const text = await body.text();
  const contentType = String(headers['content-type'] ?? '');
  if (text.length === 0) {
    if (status >= 200 && status < 300) return {};
    throw new UpstreamError('UPSTREAM_ERROR', `The Graph API answered HTTP ${status} with an empty body`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UpstreamError(
      'UPSTREAM_ERROR',
      `The Graph API answered HTTP ${status} with a body that is not JSON (${contentType || 'no content-type'})`,
    );
  }
  if (isGraphErrorEnvelope(parsed)) throw fromGraphEnvelope(parsed, status, retryAfterSeconds(headers));
  if (status < 200 || status >= 300) {
    throw new UpstreamError('UPSTREAM_ERROR', `The Graph API answered HTTP ${status} without an error envelope`);
  }
  return parsed;
}

/**
 * Seconds until access is regained, from `x-business-use-case-usage` (minutes, notes §5) or a
 * standard `retry-after`.
 */
export function retryAfterSeconds(headers: IncomingHttpHeaders): number | undefined {
  const minutes: number[] = [];
  const buc = headers['x-business-use-case-usage'];
  if (typeof buc === 'string') {
    try {
      for (const entries of Object.values(JSON.parse(buc) as Record<string, unknown>)) {
        if (!Array.isArray(entries)) continue;
        for (const entry of entries as { estimated_time_to_regain_access?: unknown }[]) {
          if (typeof entry.estimated_time_to_regain_access === 'number') minutes.push(entry.estimated_time_to_regain_access);
        }
      }
    } catch {
      // A malformed usage header is not worth failing the answer for.
    }
  }
  if (minutes.length > 0) return Math.max(...minutes) * 60;
  const retryAfter = Number(headers['retry-after']);
  return Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined;
}

function toUpstreamError(error: unknown, timedOut: boolean, timeoutMs: number): UpstreamError {
  if (error instanceof UpstreamError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (
    timedOut ||
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError ||
    error instanceof undiciErrors.ConnectTimeoutError
  ) {
    return new UpstreamError('UPSTREAM_TIMEOUT', `The Graph API did not answer within ${timeoutMs} ms`);
  }
  if ((error as { name?: unknown } | null)?.name === 'AbortError') {
    return new UpstreamError('UPSTREAM_ERROR', 'The request was cancelled before the Graph API answered');
  }
  const reason = typeof code === 'string' ? code : 'connection failed';
  // Connection-level failures are worth one more try for reads (see retries in the reader).
  return new UpstreamError('UPSTREAM_ERROR', `Could not reach the Graph API (${reason})`, undefined, undefined, true);
}
