/**
 * The Graph side of the HTTP server: log the request on arrival, apply any fault, read
 * the body, wait the configured latency, answer, and add Graph's response headers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { extractToken } from './auth.js';
import { ClientAbortedError, isMultipart, readBody, type RequestBody } from './body.js';
import { summarizeCall } from './call-summary.js';
import { faultReply } from './fault-replies.js';
import type { FaultInjector } from './faults.js';
import { GraphError } from './graph-errors.js';
import type { GraphContext } from './graph-call.js';
import { DEFAULT_VERSION, parseGraphPath, type GraphPath } from './graph-path.js';
import { answerGraphRequest, type IncomingGraphRequest } from './graph-request.js';
import { newFbtraceId } from './ids.js';
import { searchParamsToMap, stringParam } from './params.js';
import { jsonReply, sendReply, type Reply } from './reply.js';
import type { RecordedRequest, RequestLog } from './request-log.js';
import { requestKind, uploadRule } from './routes.js';
import type { UsageMeter } from './usage-headers.js';

export interface GraphHttpDeps {
  ctx: GraphContext;
  log: RequestLog;
  faults: FaultInjector;
  usage: UsageMeter;
  /** Aborted by close(): pending latency timers stop at once. */
  shutdown: AbortSignal;
}

/** A plausible `x-fb-rev` (Graph sends its build number). */
const FB_REV = '1027000401';

export async function handleGraphRequest(deps: GraphHttpDeps, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const started = performance.now();
  const method = (req.method ?? 'GET').toUpperCase();
  const query = searchParamsToMap(url.searchParams);
  const path = parsePath(url.pathname, deps);
  const segments = path instanceof GraphError ? [] : path.segments;
  const hints = { params: query, multipart: isMultipart(req) };
  const record = deps.log.start({
    method,
    path: url.pathname,
    kind: requestKind(method, segments, hints),
    ...summarizeCall(segments, query),
    status: 0,
    bodyBytes: 0,
    responseBytes: 0,
    ...requestIdOf(req),
    ...traceHeadersOf(req),
  });

  const fault = deps.faults.take({ method, kind: record.kind });
  if (fault?.kind === 'reset') return resetConnection(req);
  if (fault?.kind === 'hang') return void req.resume(); // read the body, never answer

  let body: RequestBody;
  try {
    body = await readBody(req, uploadRule(method, segments, hints));
  } catch (error) {
    if (error instanceof ClientAbortedError) return; // nobody to answer; status stays 0
    throw error;
  }
  record.bodyBytes = body.bytes;

  const extraMs = fault?.kind === 'latency' ? fault.ms : 0;
  if (!(await wait(deps.ctx.config.latencyMs + extraMs, deps.shutdown))) return;

  const fbtraceId = newFbtraceId();
  const reply = fault && fault.kind !== 'latency'
    ? faultReply(fault, fbtraceId, { token: extractToken(req.headers, query), appsecretProof: stringParam(query, 'appsecret_proof') })
    : answer(deps, { req, method, path, query, body }, record, fbtraceId);
  if (!fault || fault.kind === 'latency') deps.usage.count(record.batchOps?.length ?? 1);
  addGraphHeaders(reply, deps, path, fbtraceId);
  if (body.problem === 'cut') reply.headers.connection = 'close';

  record.status = reply.status;
  record.responseBytes = Buffer.byteLength(reply.body ?? '');
  logRequest(deps, record, performance.now() - started);
  sendReply(res, reply);
}

function parsePath(pathname: string, deps: GraphHttpDeps): GraphPath | GraphError {
  try {
    return parseGraphPath(pathname, deps.ctx.config.versions);
  } catch (error) {
    if (error instanceof GraphError) return error;
    throw error;
  }
}

function answer(
  deps: GraphHttpDeps,
  incoming: IncomingGraphRequest,
  record: RecordedRequest,
  fbtraceId: string,
): Reply {
  const result = answerGraphRequest(deps.ctx, incoming, record, fbtraceId);
  return jsonReply(result.status, result.body);
}

function addGraphHeaders(reply: Reply, deps: GraphHttpDeps, path: GraphPath | GraphError, fbtraceId: string): void {
  reply.headers['x-app-usage'] = deps.usage.appUsage();
  // ASSUMPTION: Graph's x-fb-trace-id, x-fb-rev and facebook-api-version headers; Meta documents none of them.
  reply.headers['x-fb-trace-id'] = fbtraceId;
  reply.headers['x-fb-rev'] = FB_REV;
  const version = path instanceof GraphError ? undefined : path.version;
  reply.headers['facebook-api-version'] = version ?? DEFAULT_VERSION;
}

function requestIdOf(req: IncomingMessage): { requestId?: string } {
  const value = req.headers['x-request-id'];
  const id = Array.isArray(value) ? value[0] : value;
  return id === undefined ? {} : { requestId: id };
}

function traceHeadersOf(req: IncomingMessage): { traceparent?: string; baggage?: string } {
  const { traceparent, baggage } = req.headers;
  return {
    ...(typeof traceparent === 'string' ? { traceparent } : {}),
    ...(typeof baggage === 'string' ? { baggage } : {}),
  };
}

/** A TCP reset, as a dropped upstream connection looks to the client. */
function resetConnection(req: IncomingMessage): void {
  req.socket.resetAndDestroy();
}

/** Resolves false when the sandbox closed during the wait. */
async function wait(ms: number, shutdown: AbortSignal): Promise<boolean> {
  if (shutdown.aborted) return false;
  if (ms <= 0) return true;
  try {
    await sleep(ms, undefined, { signal: shutdown });
    return true;
  } catch {
    return false;
  }
}

function logRequest(deps: GraphHttpDeps, record: RecordedRequest, ms: number): void {
  deps.ctx.config.logger?.info(
    {
      method: record.method,
      path: record.path,
      kind: record.kind,
      status: record.status,
      ms: Math.round(ms),
      ...(record.tokenFingerprint && { token: record.tokenFingerprint }),
      ...(record.requestId && { requestId: record.requestId }),
    },
    'sandbox graph request',
  );
}
