/**
 * Graph batch requests (https://developers.facebook.com/docs/graph-api/batch-requests):
 * `batch=[{method, relative_url, body?, name?}]`, at most
 * 50 operations, answered as an array in request order of `{code, headers, body}` where
 * `body` is the JSON text; a failing operation carries its own error while others succeed.
 *
 * Not emulated (ASSUMPTION): `{result=name:$.jsonpath}` references and `depends_on` (bodies
 * are used literally), `attached_files` (no pictures in batches), and per-operation
 * `access_token` (ignored: every operation runs with the top-level token).
 */
import { z } from 'zod';
import { summarizeCall } from './call-summary.js';
import { graphError, GraphError, unsupportedRequest } from './graph-errors.js';
import type { BatchOpRecord, CallSummary, GraphAnswer, GraphCall, GraphContext } from './graph-call.js';
import { DEFAULT_VERSION, parseGraphPath } from './graph-path.js';
import { mergeParams, objectToParams, searchParamsToMap, stringParam, type Params } from './params.js';

export const MAX_BATCH_OPS = 50;

const opSchema = z.object({
  method: z.string().optional(),
  relative_url: z.string(),
  body: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
  name: z.string().optional(),
});
type BatchOp = z.infer<typeof opSchema>;

/** How operations run and are named: the route table, passed in by the batch route. */
export interface OpRunner {
  run(ctx: GraphContext, call: GraphCall): GraphAnswer;
  kind(call: Pick<GraphCall, 'method' | 'segments' | 'params'>): string;
}

export interface BatchResult {
  code: number;
  headers?: { name: string; value: string }[];
  body: string;
}

export function runBatch(ctx: GraphContext, call: GraphCall, run: OpRunner): GraphAnswer {
  if (!call.params.has('batch')) throw unsupportedRequest(call.method);
  if (!ctx.config.mechanisms.batch) throw graphError('batchDisabled');
  const ops = parseBatchParam(call.params.get('batch'));
  const withHeaders = stringParam(call.params, 'include_headers') !== 'false';
  const summaries: CallSummary[] = [];
  const opList: BatchOpRecord[] = [];
  const results = ops.map((op) => {
    const { answer, summary, kind } = runOp(ctx, call, op, run);
    summaries.push(summary);
    opList.push({ method: opMethod(op), relativeUrl: op.relative_url, kind });
    return toResult(answer, withHeaders);
  });
  return { status: 200, body: results, batch: { ops: opList, summaries } };
}

/** The whole batch fails when the parameter is not a JSON array of operations. */
function parseBatchParam(raw: unknown): BatchOp[] {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw graphError('batchInvalid');
    }
  }
  if (!Array.isArray(value) || value.length === 0) throw graphError('batchInvalid');
  if (value.length > MAX_BATCH_OPS) throw graphError('batchTooLarge');
  const parsed = z.array(opSchema).safeParse(value);
  if (!parsed.success) throw graphError('batchInvalid');
  return parsed.data;
}

function opMethod(op: BatchOp): string {
  return (op.method ?? 'GET').toUpperCase();
}

interface OpOutcome {
  answer: GraphAnswer;
  summary: CallSummary;
  kind: string;
}

function runOp(ctx: GraphContext, batch: GraphCall, op: BatchOp, run: OpRunner): OpOutcome {
  const method = opMethod(op);
  // relative_url may start with `/`, with a version (`v23.0/<id>`), or with neither.
  const url = new URL(`/${op.relative_url.replace(/^\/+/, '')}`, 'http://graph.invalid');
  const params = mergeParams(searchParamsToMap(url.searchParams), bodyParams(op.body));
  let summary: CallSummary = { ids: [], fields: null };
  let kind = 'other';
  try {
    const { segments, version } = parseGraphPath(url.pathname, ctx.config.versions);
    summary = summarizeCall(segments, params);
    kind = run.kind({ method, segments, params });
    if (!['GET', 'POST', 'DELETE'].includes(method)) throw unsupportedRequest(method);
    const call: GraphCall = { method, segments, params, token: batch.token, version: version ?? DEFAULT_VERSION, origin: batch.origin };
    return { answer: run.run(ctx, call), summary, kind };
  } catch (error) {
    if (!(error instanceof GraphError)) throw error;
    return { answer: { status: error.status, body: error.envelope() }, summary, kind };
  }
}

/** A POST operation's body is URL-encoded form text. ASSUMPTION: an object is accepted too. */
function bodyParams(body: BatchOp['body']): Params {
  if (body === undefined) return new Map();
  if (typeof body === 'string') return searchParamsToMap(new URLSearchParams(body));
  return objectToParams(body);
}

function toResult(answer: GraphAnswer, withHeaders: boolean): BatchResult {
  const body = JSON.stringify(answer.body);
  if (!withHeaders) return { code: answer.status, body };
  return {
    code: answer.status,
    headers: [
      { name: 'Content-Type', value: 'application/json; charset=UTF-8' },
      { name: 'Cache-Control', value: 'private, no-cache, no-store, must-revalidate' },
    ],
    body,
  };
}
