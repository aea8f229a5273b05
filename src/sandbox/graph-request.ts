/**
 * Answers one Graph HTTP request that was not faulted: body problems, path, auth, then
 * the handler. Fills the request-log entry with what it learns on the way.
 */
import type { IncomingMessage } from 'node:http';
import { authenticate, extractToken } from './auth.js';
import type { RequestBody } from './body.js';
import { combineSummaries, summarizeCall } from './call-summary.js';
import { GraphError, graphError, invalidParameter } from './graph-errors.js';
import type { GraphAnswer, GraphContext } from './graph-call.js';
import { DEFAULT_VERSION, type GraphPath } from './graph-path.js';
import { tokenFingerprint } from './ids.js';
import { mergeParams, type Params } from './params.js';
import type { RecordedRequest } from './request-log.js';
import { dispatch } from './routes.js';

export interface IncomingGraphRequest {
  req: IncomingMessage;
  method: string;
  /** The parsed path, or the error parsing it gave (unknown version). */
  path: GraphPath | GraphError;
  query: Params;
  body: RequestBody;
}

/** Never throws a GraphError: it becomes the answer, with the response's fbtrace_id. */
export function answerGraphRequest(
  ctx: GraphContext,
  incoming: IncomingGraphRequest,
  record: RecordedRequest,
  fbtraceId: string,
): GraphAnswer {
  try {
    return answerOrThrow(ctx, incoming, record);
  } catch (error) {
    if (error instanceof GraphError) return { status: error.status, body: error.envelope(fbtraceId) };
    throw error;
  }
}

function answerOrThrow(ctx: GraphContext, incoming: IncomingGraphRequest, record: RecordedRequest): GraphAnswer {
  const { path, body } = incoming;
  if (path instanceof GraphError) throw path;
  if (body.problem === 'too-large' || body.problem === 'cut') throw graphError('bodyTooLarge');
  if (body.problem === 'malformed') throw invalidParameter('The request body could not be parsed.');

  const params = mergeParams(incoming.query, body.params);
  Object.assign(record, summarizeCall(path.segments, params));

  const auth = authenticate({
    token: extractToken(incoming.req.headers, params),
    params,
    tokens: ctx.tokens,
    appSecret: ctx.config.appSecret,
  });
  if (auth.token !== undefined) record.tokenFingerprint = tokenFingerprint(auth.token);
  if (auth.proof !== undefined) record.appsecretProof = auth.proof;
  if (auth.error || auth.token === undefined) throw auth.error ?? graphError('tokenRequired');

  const answer = dispatch(ctx, {
    method: incoming.method,
    segments: path.segments,
    params,
    token: auth.token,
    version: path.version ?? DEFAULT_VERSION,
    origin: originOf(incoming.req),
    ...(body.file && { file: body.file }),
  });
  if (answer.batch) {
    record.batchOps = answer.batch.ops;
    Object.assign(record, combineSummaries(answer.batch.summaries));
  }
  return answer;
}

/** ASSUMPTION: paging URLs name the host the caller used (Meta's name graph.facebook.com), so they can be followed. */
function originOf(req: IncomingMessage): string {
  const host = req.headers.host ?? `${req.socket.localAddress ?? '127.0.0.1'}:${req.socket.localPort ?? 80}`;
  return `http://${host}`;
}
