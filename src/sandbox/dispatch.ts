/**
 * Routes a Graph call to its handler. The same routing serves HTTP requests and batch
 * operations, so a batched update behaves exactly like a direct one.
 */
import { runBatch } from './batch.js';
import { graphError, unknownPath, unsupportedRequest } from './graph-errors.js';
import type { GraphAnswer, GraphCall, GraphContext } from './graph-call.js';
import { readGroup, readMany } from './reads.js';
import { deleteGroup, updateGroup } from './writes.js';

/** Throws GraphError for anything the emulated Meta refuses. */
export function dispatch(ctx: GraphContext, call: GraphCall): GraphAnswer {
  const [id, ...edge] = call.segments;
  if (id === undefined) return dispatchRoot(ctx, call);
  // ASSUMPTION: group edges (§1.6-§1.9: invite_link, participants, join_requests) are not
  // emulated; Graph answers an unknown edge with "Unknown path components".
  if (edge.length > 0) throw unknownPath(`/${edge.join('/')}`);
  switch (call.method) {
    case 'GET':
      return readGroup(ctx, call, id);
    case 'POST':
      return updateGroup(ctx, call, id);
    case 'DELETE':
      return deleteGroup(ctx, call, id);
    default:
      throw unsupportedRequest(call.method);
  }
}

function dispatchRoot(ctx: GraphContext, call: GraphCall): GraphAnswer {
  if (call.method === 'GET' && call.params.has('ids')) return readMany(ctx, call);
  if (call.method === 'POST' && call.params.has('batch')) return runBatch(ctx, call, (op) => dispatchOp(ctx, op));
  throw unsupportedRequest(call.method);
}

/** Batch operations cannot themselves be batches. */
function dispatchOp(ctx: GraphContext, op: GraphCall): GraphAnswer {
  if (op.segments.length === 0 && op.params.has('batch')) throw graphError('batchInvalid');
  return dispatch(ctx, op);
}
