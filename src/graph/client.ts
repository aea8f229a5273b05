import { createHmac } from 'node:crypto';
import { Pool, FormData, errors as undiciErrors } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { GatewayError } from '../errors.js';
import { ConcurrencyLimit } from './concurrency-limit.js';
import { UpstreamError, fromGraphEnvelope, isGraphErrorEnvelope, redactSecrets } from './errors.js';
import { DEFAULT_RETRY_POLICY, isRetryable, nextRetryDelay, type RetryPolicy } from './retry.js';
import type { GraphRoute } from './route.js';
import { fingerprintOf } from './token-fingerprint.js';

export interface GraphClientOptions {
  /** Origin (and optional path prefix) of the Graph API, e.g. https://graph.facebook.com */
  baseUrl: string;
  /** Path version prefix, e.g. v23.0 */
  version: string;
  /** With a secret, every call carries appsecret_proof + appsecret_time (https://developers.facebook.com/docs/facebook-login/security/#appsecret). */
  appSecret?: string | undefined;
  /** Deadline of one call, every attempt and backoff included (UPSTREAM_TIMEOUT_MS). */
  timeoutMs: number;
  connections: number;
  /** Calls in flight per process (UPSTREAM_MAX_CONCURRENCY) and how many may wait (UPSTREAM_MAX_QUEUE). */
  maxConcurrency: number;
  maxQueue: number;
  /** Calls one token may have waiting (UPSTREAM_MAX_QUEUE_PER_TOKEN); default: all of `maxQueue`. */
  maxQueuePerToken?: number | undefined;
  /** Calls one token may have in flight (UPSTREAM_MAX_CONCURRENCY_PER_TOKEN); default: no cap of its own. */
  maxConcurrencyPerToken?: number | undefined;
  /** Largest answer body read (UPSTREAM_MAX_RESPONSE_BYTES); default 8 MiB. */
  maxResponseBytes?: number | undefined;
  /** Extra attempts for reads (UPSTREAM_RETRIES); backoff settings default to DEFAULT_RETRY_POLICY. */
  retries: number;
  retryPolicy?: Partial<Omit<RetryPolicy, 'retries'>>;
  /** Told about every HTTP request and retry (metrics). */
  observer?: GraphCallObserver | undefined;
  /** Asked before each call whether it may go upstream, told of each throttling (graph/throttle-memory.ts). */
  gate?: UpstreamGate | undefined;
}

/**
 * Decides whether calls may go upstream now, from their routes: a refusal is the error the call
 * rejects with, without an HTTP request. `learn` is given every RATE_LIMITED Graph answer and
 * returns the error to pass on (with the wait it decided). The client itself knows no endpoint.
 */
export interface UpstreamGate {
  refusals(routes: readonly GraphRoute[], fingerprint: string): Promise<(UpstreamError | undefined)[]>;
  learn(route: GraphRoute, fingerprint: string, error: UpstreamError): Promise<UpstreamError>;
}

/**
 * Watches upstream traffic: `attempt` is called as each HTTP request starts, its result when it
 * ends; `around` wraps the synchronous start of the HTTP request (where undici's diagnostics
 * channel announces it), so that an instrumentation hook can tell which call it belongs to.
 */
export interface GraphCallObserver {
  attempt?(call: GraphCall): (error?: GatewayError) => void;
  retry?(call: GraphCall): void;
  around?<T>(call: GraphCall, send: () => T): T;
}

/** Several observers as one, each told in order. */
export function observeAll(...observers: (GraphCallObserver | undefined)[]): GraphCallObserver | undefined {
  const present = observers.filter((o): o is GraphCallObserver => o !== undefined);
  if (present.length <= 1) return present[0];
  return {
    attempt(call) {
      const ends = present.map((o) => o.attempt?.(call));
      return (error) => ends.forEach((end) => end?.(error));
    },
    retry: (call) => present.forEach((o) => o.retry?.(call)),
    around: <T>(call: GraphCall, send: () => T): T => present.reduceRight<() => T>((next, o) => (o.around ? () => o.around!(call, next) : next), send)(),
  };
}

/** Who is calling: the caller's token travels in a header, never in a URL. */
export interface GraphCredentials {
  token: string;
  /** The token's fingerprint (see token-fingerprint.ts), when the caller has computed it already (once per GraphQL request). */
  fingerprint?: string | undefined;
  /**
   * Aborts the upstream call when the GraphQL request goes away or its time is up. An abort reason
   * that is a GatewayError (OPERATION_TIMEOUT) is what the call rejects with.
   */
  signal?: AbortSignal | undefined;
  /** The GraphQL request this call serves: its id goes upstream as `x-request-id`, attempts are counted. */
  trace?: RequestTrace | undefined;
  /**
   * Told of every accepted write (a call not marked `read`), with its route and the Graph answer: the events module
   * remembers which request ids and groups this caller wrote to, so their webhooks reach it.
   */
  onWrite?: ((write: { route: GraphRoute; answer: unknown }) => void) | undefined;
}

/** Per GraphQL request: the id on its log lines and the Graph HTTP requests it caused. */
export interface RequestTrace {
  readonly requestId: string;
  upstreamCalls: number;
  /**
   * The Graph API answered one of this request's calls without refusing its token (a success, or
   * an error other than an authentication one): the caller is known to hold a working token.
   */
  tokenAccepted?: boolean;
}

export type GraphBody =
  | { json: Record<string, unknown> }
  | { form: Record<string, string> }
  | { multipart: FormData };

export interface GraphCall {
  method: 'GET' | 'POST' | 'DELETE';
  /** What the call is (graph/route.ts), set by its caller: observers read it, the client does not. */
  route: GraphRoute;
  /** Path below the version, starting with '/': '/<group-id>' or '/' for batch and multi-id reads. */
  path: string;
  query?: Record<string, string>;
  body?: GraphBody;
  /**
   * `read`: safe to repeat (GETs and the read-only batch POST), retried on connection errors, 5xx
   * and transient Graph codes. `never` (the default): a write, sent exactly once.
   */
  retry?: 'read' | 'never';
}

/**
 * The one way out to the Graph API: a keep-alive undici pool to a single origin. Resolves with the
 * parsed JSON of a 2xx answer; everything else (error envelopes, timeouts, resets, non-JSON)
 * rejects with an UpstreamError.
 */
export class GraphClient {
  private readonly pool: Pool;
  private readonly pathPrefix: string;
  private readonly limit: ConcurrencyLimit;
  private readonly retryPolicy: RetryPolicy;
  private readonly maxResponseBytes: number;

  constructor(private readonly options: GraphClientOptions) {
    this.limit = new ConcurrencyLimit({
      max: options.maxConcurrency,
      maxQueue: options.maxQueue,
      maxQueuePerKey: options.maxQueuePerToken ?? options.maxQueue,
      maxPerKey: options.maxConcurrencyPerToken,
    });
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.retryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retryPolicy, retries: options.retries };
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
    const gate = this.options.gate;
    if (gate) {
      const [refused] = await gate.refusals([call.route], fingerprintOf(credentials));
      if (refused) throw refused;
    }
    const deadline = Date.now() + this.options.timeoutMs;
    const retries = call.retry === 'read' ? this.retryPolicy.retries : 0;
    for (let attempt = 0; ; attempt++) {
      try {
        const answer = await this.attempt<T>(call, credentials, deadline);
        if (call.retry !== 'read') credentials.onWrite?.({ route: call.route, answer });
        return answer;
      } catch (error) {
        if (gate && error instanceof UpstreamError && error.code === 'RATE_LIMITED' && error.graph) throw await gate.learn(call.route, fingerprintOf(credentials), error);
        if (!(error instanceof UpstreamError) || !isRetryable(error)) throw error;
        if (credentials.signal?.aborted) throw callerAbortReason(credentials.signal) ?? error;
        const delay = nextRetryDelay(attempt, deadline, { ...this.retryPolicy, retries });
        if (delay === undefined) throw error;
        this.options.observer?.retry?.(call);
        await sleep(delay, undefined, credentials.signal ? { signal: credentials.signal } : {}).catch(() => {
          throw callerAbortReason(credentials.signal) ?? error;
        });
      }
    }
  }

  /** One HTTP request: waits for a slot under the concurrency bound, then asks, within the call's deadline. */
  private async attempt<T>(call: GraphCall, credentials: GraphCredentials, deadline: number): Promise<T> {
    const timer = deadlineSignal(credentials.signal, Math.max(1, deadline - Date.now()));
    const signal = timer.signal;
    let release: (() => void) | undefined;
    const proof = this.appSecretProof(credentials.token);
    let observed: ((error?: GatewayError) => void) | undefined;
    const trace = credentials.trace;
    try {
      release = await this.limit.acquire(fingerprintOf(credentials), signal);
      const observer = this.options.observer;
      observed = observer?.attempt?.(call);
      const { headers, body } = encodeBody(call.body);
      if (trace) trace.upstreamCalls++;
      const send = () =>
        this.pool.request({
          method: call.method,
          path: this.pathPrefix + call.path,
          query: { ...call.query, ...proof },
          headers: {
            ...headers,
            authorization: `Bearer ${credentials.token}`,
            accept: 'application/json',
            ...(trace ? { 'x-request-id': trace.requestId } : {}),
          },
          body,
          signal,
        });
      const response = await (observer?.around ? observer.around(call, send) : send());
      const secrets = [credentials.token, ...(this.options.appSecret ? [this.options.appSecret] : []), ...(proof.appsecret_proof ? [proof.appsecret_proof] : [])];
      const result = (await readGraphResponse(response, this.maxResponseBytes, secrets)) as T;
      observed?.();
      if (trace) trace.tokenAccepted = true;
      return result;
    } catch (error) {
      const failure = callerAbortReason(credentials.signal) ?? toUpstreamError(error, timer.timedOut(), this.options.timeoutMs);
      observed?.(failure);
      // A Graph error envelope about something else than the token (NOT_FOUND, FORBIDDEN…): the token works.
      if (trace && failure instanceof UpstreamError && failure.graph !== undefined && failure.code !== 'UNAUTHENTICATED') trace.tokenAccepted = true;
      throw failure;
    } finally {
      timer.dispose();
      release?.();
    }
  }

  /**
   * For callers that send several reads in one request (a batch's slots): which of these routes the
   * gate refuses now, so they are answered without going upstream.
   */
  async refusals(routes: readonly GraphRoute[], credentials: GraphCredentials): Promise<(UpstreamError | undefined)[]> {
    return this.options.gate ? this.options.gate.refusals(routes, fingerprintOf(credentials)) : routes.map(() => undefined);
  }

  /** For a throttling found inside an answer (a batch slot's error): the gate learns it as if the call had been this route's own. */
  async learn(route: GraphRoute, credentials: GraphCredentials, error: UpstreamError): Promise<UpstreamError> {
    return this.options.gate && error.code === 'RATE_LIMITED' && error.graph ? this.options.gate.learn(route, fingerprintOf(credentials), error) : error;
  }

  /** Calls in flight and waiting (for tests and diagnostics). */
  get load(): { inFlight: number; queued: number } {
    return { inFlight: this.limit.inFlight, queued: this.limit.queued };
  }

  /** Waits for calls in flight to finish; `force` aborts them (shutdown past its deadline). */
  async close({ force = false }: { force?: boolean } = {}): Promise<void> {
    if (force) await this.pool.destroy();
    else await this.pool.close();
  }

  private appSecretProof(token: string): Record<string, string> {
    if (!this.options.appSecret) return {};
    const time = Math.floor(Date.now() / 1000).toString();
    const proof = createHmac('sha256', this.options.appSecret).update(`${token}|${time}`).digest('hex');
    return { appsecret_proof: proof, appsecret_time: time };
  }
}

/**
 * One AbortController per attempt, aborted by the deadline or by the caller going away. Cheaper than
 * `AbortSignal.any([caller, AbortSignal.timeout()])` (measured: -18 % gateway CPU per read in bench (a)).
 */
function deadlineSignal(caller: AbortSignal | undefined, timeoutMs: number) {
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

function encodeBody(body: GraphBody | undefined): { headers: Record<string, string>; body?: string | FormData } {
  if (!body) return { headers: {} };
  if ('json' in body) return { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body.json) };
  if ('form' in body) {
    return {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(body.form).toString(),
    };
  }
  // undici sets the multipart content-type (with boundary) and a content-length itself.
  return { headers: {}, body: body.multipart };
}

/** UPSTREAM_MAX_RESPONSE_BYTES' default: a group with every field is a few KiB, a batch of 50 well under 1 MiB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

interface UpstreamResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: AsyncIterable<Buffer> & { text(): Promise<string>; destroy(error?: Error): unknown; on(event: 'error', listener: () => void): unknown };
}

/** Drops an answer body unread, and its connection with it (undici then reports the abort as an error event: expected). */
function discard(body: UpstreamResponse['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

/**
 * Handles both shapes Meta's docs leave uncertain (docs/graph-api-facts.md, ASSUMPTIONs): JSON bodies and empty ones (204, or no body at all).
 * A redirect is an error and is never followed (the Authorization header must not travel to
 * another host); a body over `maxBytes` is an error, read no further than the limit. The call's
 * `secrets` are replaced in the body before it is parsed: a Graph message (a batch slot's too) may
 * echo what the caller sent.
 */
async function readGraphResponse({ statusCode: status, headers, body }: UpstreamResponse, maxBytes: number, secrets: readonly string[]): Promise<unknown> {
  if (status >= 300 && status < 400) {
    discard(body);
    throw new UpstreamError('UPSTREAM_ERROR', `The Graph API answered with a redirect (HTTP ${status}), which the gateway does not follow`);
  }
  const text = redactSecrets(await readCapped(headers, body, maxBytes), secrets);
  const contentType = String(headers['content-type'] ?? '');
  if (text.length === 0) {
    if (status >= 200 && status < 300) return {};
    throw new UpstreamError('UPSTREAM_ERROR', `The Graph API answered HTTP ${status} with an empty body`, undefined, undefined, status >= 500);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UpstreamError(
      'UPSTREAM_ERROR',
      `The Graph API answered HTTP ${status} with a body that is not JSON (${contentType || 'no content-type'})`,
      undefined,
      undefined,
      status >= 500,
    );
  }
  if (isGraphErrorEnvelope(parsed)) throw fromGraphEnvelope(parsed, status, retryAfterSeconds(headers), secrets);
  if (status < 200 || status >= 300) {
    throw new UpstreamError('UPSTREAM_ERROR', `The Graph API answered HTTP ${status} without an error envelope`, undefined, undefined, status >= 500);
  }
  return parsed;
}

/**
 * The body as text, at most `maxBytes`: past it the body is destroyed (the connection with it) and
 * nothing more is read, so memory stays bounded whatever the upstream sends. A declared
 * Content-Length over the limit is refused before reading; undici reads no more than it declares.
 */
async function readCapped(headers: IncomingHttpHeaders, body: UpstreamResponse['body'], maxBytes: number): Promise<string> {
  const declared = headers['content-length'] === undefined ? Number.NaN : Number(headers['content-length']);
  const tooLarge = () => {
    discard(body);
    return new UpstreamError('UPSTREAM_ERROR', `The Graph API's answer is larger than ${maxBytes} bytes (UPSTREAM_MAX_RESPONSE_BYTES); it was not read`);
  };
  if (Number.isFinite(declared)) {
    if (declared > maxBytes) throw tooLarge();
    return body.text();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

/**
 * Seconds until access is regained: the largest `estimated_time_to_regain_access` (minutes) of
 * `x-business-use-case-usage` (`{"<id>":[{…}]}`) or `x-app-usage` (`{…}`) (https://developers.facebook.com/docs/graph-api/overview/rate-limiting/), else a
 * standard `retry-after`. Malformed headers are ignored: not worth failing the answer for.
 */
export function retryAfterSeconds(headers: IncomingHttpHeaders): number | undefined {
  const minutes: number[] = [];
  const regain = (entry: unknown) => {
    const value = (entry as { estimated_time_to_regain_access?: unknown } | null)?.estimated_time_to_regain_access;
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) minutes.push(value);
  };
  const buc = parseHeader(headers['x-business-use-case-usage']);
  if (buc) for (const entries of Object.values(buc)) if (Array.isArray(entries)) entries.forEach(regain);
  regain(parseHeader(headers['x-app-usage']));
  if (minutes.length > 0) return Math.max(...minutes) * 60;
  const retryAfter = Number(headers['retry-after']);
  return Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined;
}

function parseHeader(value: string | string[] | undefined): Record<string, unknown> | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The caller's own reason for aborting (OPERATION_TIMEOUT), when it gave one the client should pass on. */
function callerAbortReason(signal: AbortSignal | undefined): GatewayError | undefined {
  return signal?.aborted && signal.reason instanceof GatewayError ? signal.reason : undefined;
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
  // Connection-level failures are worth another try for reads (graph/retry.ts).
  return new UpstreamError('UPSTREAM_ERROR', `Could not reach the Graph API (${reason})`, undefined, undefined, true);
}
