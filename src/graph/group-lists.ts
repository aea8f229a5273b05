import type { GraphClient, GraphCredentials } from './client.js';
import { connectionOf, malformedList, readPaging, type Connection, type PageRequest } from './paging.js';
import type { ReadLoader } from './read-loader.js';
import type { GraphGroup, GraphJoinRequest } from './types.js';

/**
 * `GET /{v}/{phone-number-id}/groups?limit=&after=|before=`: one page of the number's active groups.
 * Graph nests this list as `data.groups` (not `data` as usual); a plain `data` array is accepted too.
 */
export async function readGroupList(
  client: GraphClient,
  credentials: GraphCredentials,
  phoneNumberId: string,
  request: PageRequest,
): Promise<Connection<GraphGroup>> {
  const body = await client.call<Record<string, unknown>>(
    {
      method: 'GET',
      path: `/${encodeURIComponent(phoneNumberId)}/groups`,
      route: { kind: 'groups.list', template: '/{phone-number-id}/groups', phoneNumberId },
      query: request.params,
      retry: 'read',
    },
    credentials,
  );
  const data = body?.data;
  const raw = Array.isArray(data) ? data : isObject(data) && Array.isArray(data.groups) ? data.groups : undefined;
  if (!raw || !raw.every((item) => isObject(item) && typeof item.id === 'string')) throw malformedList('list of groups');
  const groups = (raw as Record<string, unknown>[]).map(listItemToGroup);
  return connectionOf(groups, readPaging(body), request);
}

/**
 * `GET /{v}/{group-id}/join_requests?limit=&after=`, through the request's read loader so that the
 * join requests of many groups share one batch request. Here `data` is the array itself.
 */
export async function readJoinRequests(reads: ReadLoader, groupId: string, request: PageRequest): Promise<Connection<GraphJoinRequest>> {
  const body = await reads.load({ id: groupId, edge: 'join_requests', params: request.params });
  const data = body.data;
  if (!Array.isArray(data) || !data.every((item) => isObject(item) && typeof item.join_request_id === 'string')) {
    throw malformedList(`join requests of group ${groupId}`);
  }
  return connectionOf(data as GraphJoinRequest[], readPaging(body), request);
}

/**
 * A list item carries only `id`, `subject` and `created_at` (Meta, "Group management", get active
 * groups); `created_at` becomes the node's `creation_timestamp`. Its type is not settled in Meta's
 * docs (a string in the spec, "TIMESTAMP" in the reference, a number in clients): Unix seconds as a
 * number or digits, or a date-time string, are accepted.
 */
function listItemToGroup(item: Record<string, unknown>): GraphGroup {
  const group: GraphGroup = { id: item.id as string };
  if (typeof item.subject === 'string') group.subject = item.subject;
  const createdAt = item.created_at;
  if (typeof createdAt === 'number' || (typeof createdAt === 'string' && /^\d+$/.test(createdAt))) {
    group.creation_timestamp = Number(createdAt);
  } else if (typeof createdAt === 'string' && !Number.isNaN(Date.parse(createdAt))) {
    group.creation_timestamp = Math.floor(Date.parse(createdAt) / 1000);
  }
  return group;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
