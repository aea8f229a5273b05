/**
 * The request log's view of a call: which object it addressed (the path's node: a group,
 * or the phone number of `/{phone-number-id}/groups`; the `?ids=` list at the root) and
 * which fields it asked for. Batches add their operations up, in order.
 */
import { splitFields } from './fields.js';
import type { CallSummary } from './graph-call.js';
import { stringParam, type Params } from './params.js';
import { splitIds } from './reads.js';

export function summarizeCall(segments: readonly string[], params: Params): CallSummary {
  const fields = splitFields(stringParam(params, 'fields'));
  const first = segments[0];
  if (first !== undefined) return { ids: [first], fields };
  return { ids: splitIds(params), fields };
}

/** Ids concatenated in operation order; fields as a union in first-seen order. */
export function combineSummaries(summaries: readonly CallSummary[]): CallSummary {
  const ids = summaries.flatMap((s) => s.ids);
  const anyFields = summaries.some((s) => s.fields !== null);
  const fields = anyFields ? [...new Set(summaries.flatMap((s) => s.fields ?? []))] : null;
  return { ids, fields };
}
