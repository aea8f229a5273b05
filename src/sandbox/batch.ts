/**
 * Graph batch requests (§5 Batch): `batch=[{method, relative_url, body?, name?}]`, at most
 * 50 operations, answered as an array in request order of `{code, headers, body}` where
 * `body` is the JSON text; a failing operation carries its own error while others succeed.
 *
 * Not emulated (ASSUMPTION): `{result=name:$.jsonpath}` references and `depends_on` (bodies
 * are used literally), `attached_files` (no pictures in batches), and per-operation
 * `access_token` (ignored: every operation runs with the top-level token).
 */
import { z } from 'zod';
import { combineSummaries, summarizeCall } from './call-summary.js';
import { graphError, GraphError, unsupportedRequest } from './graph-errors.js';
import type { CallSummary, GraphAnswer, GraphCall, GraphContext } from './graph-call.js';
import { parseGraphPath } from './graph-path.js';
import { mergeParams, objectToParams, searchParamsToMap, stringParam, type Params } from './params.js';

export const MAX_BATCH_OPS = 50;

const opSchema = z.object({
  method: z.string().optional(),
  relative_url: z.string(),
  body: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
  name: z.string().optional(),
});
type BatchOp = z.infer<typeof opSchema>;

export type OpRunner = (call: GraphCall) => GraphAnswer;

export interface BatchResult {
  code: number;
  headers?: { name: string; value: string }[];
  body: string;
}

export function runBatch(ctx: GraphContext, call: GraphCall, run: OpRunner): GraphAnswer {
  if (!ctx.config.mechanisms.batch) throw graphError('batchDisabled');
  const ops = parseBatchParam(call.params.get('batch'));
  const withHeaders = stringParam(call.params, 'include_headers') !== 'false';
  const summaries: CallSummary[] = [];
  const results = ops.map((op) => {
    const { answer, summary } = runOp(ctx, call.token, op, run);
    summaries.push(summary);
    return toResult(answer, withHeaders);
  });
  const opList = ops.map((op) => ({ method: opMethod(op), relativeUrl: op.relative_url }));
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

function runOp(ctx: GraphContext, token: string, op: BatchOp, run: OpRunner): { answer: GraphAnswer; summary: CallSummary } {
  const method = opMethod(op);
  // relative_url may start with `/`, with a version (`v23.0/<id>`), or with neither.
  const url = new URL(`/${op.relative_url.replace(/^\/+/, '')}`, 'http://graph.invalid');
  const params = mergeParams(searchParamsToMap(url.searchParams), bodyParams(op.body));
  let summary: CallSummary = { ids: [], fields: null };
  try {
    const { segments } = parseGraphPath(url.pathname, ctx.config.versions);
    summary = summarizeCall(segments, params);
    if (!['GET', 'POST', 'DELETE'].includes(method)) throw unsupportedRequest(method);
    return { answer: run({ method, segments, params, token }), summary };
  } catch (error) {
    if (!(error instanceof GraphError)) throw error;
    return { answer: { status: error.status, body: error.envelope() }, summary };
  }
}

/** §5: a POST operation's body is URL-encoded form text. ASSUMPTION: an object is accepted too. */
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
