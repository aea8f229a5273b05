import { UpstreamError } from '../graph/errors.js';
import { readJoinRequests } from '../graph/group-lists.js';
import { pageRequest } from '../graph/paging.js';
import type { GraphJoinRequest } from '../graph/types.js';
import { builder } from './builder.js';
import { connectionType } from './connection.js';
import { fromGraphEdge } from './graph-fields.js';
import { GroupRef } from './group.js';

/**
 * The edges of a group read with GET (Meta, "Group management": get invite link, get join
 * requests). They go through the request's read loader, so the edges of many groups in one operation
 * (aliases, a page of `groups`, `_entities`) travel in one batch request per 50.
 */

export const GroupJoinRequestRef = builder.objectRef<GraphJoinRequest>('GroupJoinRequest').implement({
  description: 'Someone asking to join a group whose join approval mode is APPROVAL_REQUIRED.',
  fields: (t) => ({
    id: t.id({ nullable: false, description: 'The join request id: what approveGroupJoinRequests and rejectGroupJoinRequests take.', resolve: (r) => r.join_request_id }),
    waId: t.string({ description: 'WhatsApp id of the person asking, where WhatsApp gives it.', resolve: (r) => r.wa_id ?? null }),
    userId: t.string({ description: 'Business-scoped user id (BSUID) of the person asking (2026).', resolve: (r) => r.user_id ?? null }),
    username: t.string({ description: 'WhatsApp username, for users who enabled usernames (2026).', resolve: (r) => r.username ?? null }),
    creationTimestamp: t.int({ description: 'When the request was made, in Unix seconds.', resolve: (r) => unixSeconds(r.creation_timestamp) }),
    createdAt: t.field({
      type: 'DateTime',
      description: 'When the request was made (`creationTimestamp` as a date-time).',
      resolve: (r) => {
        const seconds = unixSeconds(r.creation_timestamp);
        return seconds === null ? null : new Date(seconds * 1000);
      },
    }),
  }),
});

const GroupJoinRequestConnection = connectionType('GroupJoinRequest', GroupJoinRequestRef, 'join request');

builder.objectFields(GroupRef, (t) => ({
  inviteLink: t.string({
    description: 'The link that lets people join (`https://chat.whatsapp.com/…`). Read from the group\'s `invite_link` edge: the node itself is not read for it.',
    ...fromGraphEdge(),
    resolve: async (group, _args, context) => {
      const answer = await context.graph.reads.load({ id: group.id, edge: 'invite_link', params: {} });
      if (typeof answer.invite_link !== 'string') {
        throw new UpstreamError('UPSTREAM_ERROR', `The Graph API answered the invite link of group ${group.id} without a link`);
      }
      return answer.invite_link;
    },
  }),
  joinRequests: t.field({
    type: GroupJoinRequestConnection,
    nullable: false,
    description: 'Pending join requests, oldest first as the Graph API lists them, a page at a time (`first` 1 to 1024, default 25).',
    args: {
      first: t.arg.int({ description: 'Page size: 1 to 1024 (default 25).' }),
      after: t.arg.string({ description: 'Continue after this edge cursor (`pageInfo.endCursor` or an edge\'s `cursor`).' }),
    },
    ...fromGraphEdge(),
    resolve: (group, args, context) => readJoinRequests(context.graph.reads, group.id, pageRequest(args, 'joinRequests')),
  }),
}));

/** Integer in Meta's spec, quoted in its samples; both are accepted. */
function unixSeconds(value: number | string | undefined): number | null {
  const seconds = typeof value === 'string' ? Number(value) : value;
  return seconds !== undefined && Number.isSafeInteger(seconds) ? seconds : null;
}
