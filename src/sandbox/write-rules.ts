/**
 * Rules every write shares: the `messaging_product` every documented write body carries,
 * and the subject and description limits of create and update (subject at most 128
 * characters after trimming, description at most 2048; Meta's "Group management"
 * reference). ASSUMPTION: "characters" are Unicode code points.
 */
import { graphError, invalidParameter } from './graph-errors.js';
import type { Params } from './params.js';
import type { JoinApprovalMode } from './store.js';

export const SUBJECT_MAX = 128;
export const DESCRIPTION_MAX = 2048;

export function requireMessagingProduct(params: Params): void {
  const value = params.get('messaging_product');
  if (value === undefined || value === '') throw graphError('messagingProductRequired');
  if (value !== 'whatsapp') throw invalidParameter('Param messaging_product must be "whatsapp".');
}

/** The trimmed subject; `undefined` when absent. Throws when given but empty or too long. */
export function parseSubject(params: Params): string | undefined {
  const value = params.get('subject');
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidParameter('Param subject must be a string.');
  const subject = value.trim();
  if (subject.length === 0) throw invalidParameter('Param subject must not be empty.');
  if ([...subject].length > SUBJECT_MAX) {
    throw invalidParameter(`Param subject must be at most ${SUBJECT_MAX} characters long.`);
  }
  return subject;
}

/** The description as given; `undefined` when absent. */
export function parseDescription(params: Params): string | undefined {
  const value = params.get('description');
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidParameter('Param description must be a string.');
  if ([...value].length > DESCRIPTION_MAX) {
    throw invalidParameter(`Param description must be at most ${DESCRIPTION_MAX} characters long.`);
  }
  return value;
}

export function parseJoinApprovalMode(params: Params): JoinApprovalMode | undefined {
  const value = params.get('join_approval_mode');
  if (value === undefined) return undefined;
  if (value !== 'approval_required' && value !== 'auto_approve') {
    throw invalidParameter('Param join_approval_mode must be one of {approval_required, auto_approve}.');
  }
  return value;
}

/** Writes to a suspended group are refused with 131207 (HTTP 403). ASSUMPTION: after the parameters are checked. */
export function refuseIfSuspended(group: { suspended: boolean }): void {
  if (group.suspended) throw graphError('groupSuspended');
}

/** A JSON array parameter (JSON bodies give arrays; form bodies give JSON text). */
export function arrayParam(params: Params, name: string): unknown[] | undefined {
  const value = params.get(name);
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') {
    try {
      const parsed: unknown = JSON.parse(value);
      if (Array.isArray(parsed)) return parsed;
    } catch {
      // fall through
    }
  }
  throw invalidParameter(`Param ${name} must be an array.`);
}
