/**
 * What a Graph call is, said by the code that makes it: the client stays generic (method, path,
 * body), and whoever watches the traffic (metrics, traces, the events write ledger, the throttle
 * memory) reads the route instead of working the endpoint out again from the URL.
 *
 * A new endpoint adds its kind here and passes a route with each call; TypeScript then asks for
 * its metric label (observability/graph-request.ts).
 */
export const GRAPH_ROUTE_KINDS = [
  'group.read',
  'invite_link.read',
  'join_requests.read',
  'groups.batch',
  'groups.ids',
  'groups.list',
  'group.create',
  'group.update',
  'group.picture',
  'group.delete',
  'invite_link.reset',
  'participants.remove',
  'join_requests.approve',
  'join_requests.reject',
  'messages.send',
  'media.upload',
] as const;
export type GraphRouteKind = (typeof GRAPH_ROUTE_KINDS)[number];

export interface GraphRoute {
  kind: GraphRouteKind;
  /** The path below the version with its ids as placeholders, e.g. `/{group-id}/invite_link`: no id, safe in a span name. */
  template: string;
  /** The group the call is about, when it names one. */
  groupId?: string | undefined;
  /** The business phone number the call goes through, when the path names one. */
  phoneNumberId?: string | undefined;
  /** The one person a message goes to (`recipient_type: individual`): the business–recipient pair Meta throttles (131056). */
  recipient?: string | undefined;
  /** A read of several ids in one request (`groups.batch`, `groups.ids`): each read's own route, in order. */
  slots?: readonly GraphRoute[] | undefined;
}

/** The reads of one group and its edges, the way the readers name them. */
export function groupReadRoute(groupId: string, edge?: 'invite_link' | 'join_requests'): GraphRoute {
  if (edge === 'invite_link') return { kind: 'invite_link.read', template: '/{group-id}/invite_link', groupId };
  if (edge === 'join_requests') return { kind: 'join_requests.read', template: '/{group-id}/join_requests', groupId };
  return { kind: 'group.read', template: '/{group-id}', groupId };
}
