/**
 * Reads: `GET /{group-id}?fields=…` and the multiple-id read `GET /?ids=a,b`
 * (https://developers.facebook.com/docs/graph-api/using-graph-api).
 */
import { projectGroup, splitFields } from './fields.js';
import { aliasesMissing, graphError } from './graph-errors.js';
import { ok, type GraphAnswer, type GraphCall, type GraphContext } from './graph-call.js';
import { findVisibleGroup, requireVisibleGroup } from './group-access.js';
import { stringParam, type Params } from './params.js';
import type { StoredGroup } from './store.js';

/** ASSUMPTION: Meta documents no maximum for `?ids=`; 50 like a batch. */
export const MAX_IDS = 50;

export function readGroup(ctx: GraphContext, call: GraphCall): GraphAnswer {
  const id = call.segments[0] ?? '';
  const group = requireVisibleGroup(ctx, call.token, id, call.method);
  return ok(projectGroup(group, splitFields(stringParam(call.params, 'fields'))));
}

/** Splits the `ids` parameter; duplicates collapse since the answer is keyed by id. */
export function splitIds(params: Params): string[] {
  const raw = stringParam(params, 'ids') ?? '';
  return [...new Set(raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0))];
}

/** One unknown or invisible id fails the whole request with #803, as clients observe of Graph. */
export function readMany(ctx: GraphContext, call: GraphCall): GraphAnswer {
  if (!ctx.config.mechanisms.ids) throw graphError('idsDisabled');
  const ids = splitIds(call.params);
  if (ids.length > MAX_IDS) throw graphError('tooManyIds');
  const found = new Map<string, StoredGroup>();
  const missing: string[] = [];
  for (const id of ids) {
    const group = findVisibleGroup(ctx, call.token, id);
    if (group) found.set(id, group);
    else missing.push(id);
  }
  if (missing.length > 0) throw aliasesMissing(missing);
  const fields = splitFields(stringParam(call.params, 'fields'));
  const body: Record<string, unknown> = {};
  for (const [id, group] of found) body[id] = projectGroup(group, fields);
  return ok(body);
}
