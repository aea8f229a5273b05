/**
 * Group members (Groups reference; Meta's "Business-scoped user IDs"): `wa_id` is digits
 * with the country code and no `+`; since 2026 some members also carry a business-scoped
 * user id (BSUID, `<ISO country>.<digits>`) and a username. Here: realistic random members,
 * and how a request's `user` names one.
 */
import { pick, randomDigits, type Random } from './random.js';

export interface Participant {
  waId?: string;
  userId?: string;
  username?: string;
}

const COUNTRIES = [
  { iso: 'US', prefix: '1', digits: 10 },
  { iso: 'BR', prefix: '55', digits: 11 },
  { iso: 'IN', prefix: '91', digits: 10 },
  { iso: 'DE', prefix: '49', digits: 10 },
  { iso: 'NG', prefix: '234', digits: 10 },
] as const;

const NAMES = ['ana', 'bruno', 'chidi', 'dana', 'emil', 'farah', 'gita', 'hugo', 'ines', 'jonas'];

export function randomParticipant(random: Random, index: number): Participant {
  const country = pick(random, COUNTRIES);
  const waId = country.prefix + randomDigits(random, country.digits);
  // ASSUMPTION: about a third of members have a BSUID and username (Meta does not say how many).
  if (index % 3 !== 2) return { waId };
  return {
    waId,
    userId: `${country.iso}.${randomDigits(random, 20)}`,
    // ASSUMPTION: the username format is undocumented; a lowercase handle.
    username: `${pick(random, NAMES)}${randomDigits(random, 3)}`,
  };
}

export function randomParticipants(random: Random, count: number): Participant[] {
  return Array.from({ length: count }, (_, i) => randomParticipant(random, i));
}

const PHONE = /^\+\d{1,20}$/;
const WA_ID = /^\d{1,20}$/;
/** ISO country code, a dot, letters and digits. Not length-checked: Meta's limit has changed. */
const BSUID = /^[A-Z]{2}\.[A-Za-z0-9]+$/;

/** How requests name a member: a phone number (`+` and digits), a wa_id (digits) or a BSUID. */
export function isParticipantRef(user: string): boolean {
  return PHONE.test(user) || WA_ID.test(user) || BSUID.test(user);
}

/** A phone number and its wa_id are the same person. */
export function participantKey(user: string): string {
  return PHONE.test(user) ? user.slice(1) : user;
}

export function identifies(user: string, p: Participant): boolean {
  const key = participantKey(user);
  return (p.waId !== undefined && p.waId === key) || (p.userId !== undefined && p.userId === key);
}
