/**
 * A group node as the Graph API returns it (notes §2). Every field but `id` is present only when
 * it was asked for in `fields`.
 */
export interface GraphGroup {
  id: string;
  messaging_product?: string;
  subject?: string;
  description?: string;
  suspended?: boolean;
  /** Unix seconds; the notes say integer but show a quoted sample, so both are accepted. */
  creation_timestamp?: number | string;
  participants?: GraphParticipant[];
  total_participant_count?: number;
  join_approval_mode?: string;
}

/** A participant: `wa_id`, and from 2026 the business-scoped `user_id` and `username` (notes §2). */
export interface GraphParticipant {
  wa_id?: string;
  user_id?: string;
  parent_user_id?: string;
  username?: string;
}

/** The Graph field names of a group node that the gateway may ask for. */
export type GraphGroupField = keyof GraphGroup;
