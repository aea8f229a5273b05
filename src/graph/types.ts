/**
 * A group node as the Graph API returns it (Meta, "Group management", get group info:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/groups/reference).
 * Every field but `id` is present only when it was asked for in `fields`.
 */
export interface GraphGroup {
  id: string;
  messaging_product?: string;
  subject?: string;
  description?: string;
  suspended?: boolean;
  /** Unix seconds; integer in Meta's spec, quoted in its samples: both are accepted. */
  creation_timestamp?: number | string;
  participants?: GraphParticipant[];
  total_participant_count?: number;
  join_approval_mode?: string;
}

/** A participant: `wa_id`, and from 2026 the business-scoped `user_id` and `username` (Meta, "Business-scoped user IDs"). */
export interface GraphParticipant {
  wa_id?: string;
  user_id?: string;
  parent_user_id?: string;
  username?: string;
}

/** The Graph field names of a group node that the gateway may ask for. */
export type GraphGroupField = keyof GraphGroup;

/** A pending request to join a group (`GET /{group-id}/join_requests`, Meta "Group management"). */
export interface GraphJoinRequest {
  join_request_id: string;
  wa_id?: string;
  user_id?: string;
  username?: string;
  /** Unix seconds; integer in Meta's spec, quoted in its samples: both are accepted. */
  creation_timestamp?: number | string;
}
