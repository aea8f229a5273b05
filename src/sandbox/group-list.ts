/**
 * `GET /{phone-number-id}/groups`: the phone number's active groups, newest first. Meta
 * nests the list oddly, `data` being an object holding `groups`:
 * `{"data":{"groups":[{id, subject, created_at}]},"paging":{…}}` (Groups reference).
 */
import { graphError } from './graph-errors.js';
import { ok, type GraphAnswer, type GraphCall, type GraphContext } from './graph-call.js';
import { requireOwnPhoneNumber } from './group-access.js';
import { pageOf } from './paging.js';
import type { PhoneNumber } from './store.js';

export function listGroups(ctx: GraphContext, call: GraphCall): GraphAnswer {
  const phone = requireOwnPhoneNumber(ctx, call.token, call.segments[0] ?? '', call.method);
  refuseIfIneligible(phone);
  // ASSUMPTION: suspended groups still exist, so they are listed.
  const groups = ctx.store.listByPhoneNumber(phone.id);
  const page = pageOf(call, groups, 'desc', `groups:${phone.id}`);
  return ok({
    data: {
      groups: page.items.map((g) => ({
        id: g.id,
        subject: g.subject,
        // ASSUMPTION: Unix seconds as a string (the OpenAPI spec types it string; the reference shows "TIMESTAMP").
        created_at: String(g.creationTimestamp),
      })),
    },
    ...(page.paging && { paging: page.paging }),
  });
}

/** 131215: Groups APIs are only for eligible numbers (an Official Business Account, no coexistence). */
export function refuseIfIneligible(phone: PhoneNumber): void {
  if (phone.groupCreation === 'ineligible') throw graphError('notEligibleForGroups');
}
