import type { GraphCall, GraphCallObserver } from '../graph/client.js';

/**
 * Which Graph call undici is starting an HTTP request for, so that the tracing hooks (called by
 * undici's diagnostics channel as the request is created, synchronously inside `pool.request`)
 * can label the span from the call's route rather than from its URL. Installed only with tracing.
 */
let sending: GraphCall | undefined;

export const callBeingSentWatcher: GraphCallObserver = {
  around(call, send) {
    const outer = sending;
    sending = call;
    try {
      return send();
    } finally {
      sending = outer;
    }
  },
};

/**
 * The call whose request this is, checked against the request's method and path (below the
 * version): a request the pool queued (every connection busy) is created later, outside `around`,
 * and is then not claimed by another call.
 */
export function callBeingSent(method: string, pathBelowVersion: string): GraphCall | undefined {
  return sending && sending.method === method && sending.path === pathBelowVersion ? sending : undefined;
}
