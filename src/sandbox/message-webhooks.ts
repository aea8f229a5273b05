/**
 * The `messages` webhooks of sends and of what users write (Group messaging; Meta's BSUID page;
 * Groups pricing page). After a send: `sent` at once, then `delivered`, then `read`, a step apart.
 * For a group, `sent` names the group (`recipient_type: "group"`, `recipient_id: <group id>`);
 * `delivered` and `read` come once per message, group and status, with one `statuses[]` entry per
 * member (`recipient_participant_id` = their wa_id, `recipient_participant_user_id` = their BSUID,
 * as far as known) and the members in `contacts[]`. Some members read without a `delivered`
 * (Meta: "the delivered webhook is not sent back" when read at once): here every member at index
 * 1, 4, 7 of the participant list, so tests can count on it.
 * ASSUMPTION: every member reads every message; timestamps are Unix seconds as strings.
 */
import { createHash } from 'node:crypto';
import type { GraphContext } from './graph-call.js';
import type { MessageContent } from './message-content.js';
import type { Participant } from './participants.js';
import type { PhoneNumber, StoredGroup } from './store.js';
import type { TemplateCategory } from './templates.js';

/** ASSUMPTION: Meta gives no figure; a step short enough for tests, long enough to keep the order. */
export const STATUS_STEP_MS = 150;

type Item = Record<string, unknown>;

export interface SentMessage {
  id: string;
  phone: PhoneNumber;
  group?: StoredGroup;
  person?: { input: string; waId?: string; userId?: string };
  content: MessageContent;
}

export function emitStatuses(ctx: GraphContext, sent: SentMessage): void {
  if (sent.group) emitGroupStatuses(ctx, sent, sent.group);
  else if (sent.person) emitPersonStatuses(ctx, sent, sent.person);
}

function emitGroupStatuses(ctx: GraphContext, sent: SentMessage, group: StoredGroup): void {
  const notify = (value: Item): void => ctx.webhooks.notify('messages', sent.phone.id, value);
  notify({ statuses: [{ id: sent.id, status: 'sent', timestamp: now(), recipient_id: group.id, recipient_type: 'group' }] });
  const members = [...group.participants];
  const pricing = groupPricing(ctx, sent.content, sent.phone.id, group.id);
  const perMember = (status: 'delivered' | 'read', who: Participant[]): Item | undefined =>
    who.length === 0
      ? undefined
      : {
          contacts: who.map(contactOf),
          statuses: who.map((p) => ({
            id: sent.id,
            status,
            timestamp: now(),
            recipient_id: group.id,
            recipient_type: 'group',
            ...(p.waId !== undefined && { recipient_participant_id: p.waId }),
            ...(p.userId !== undefined && { recipient_participant_user_id: p.userId }),
            pricing,
          })),
        };
  const deliveredTo = members.filter((_, i) => i % 3 !== 1);
  ctx.later.after(STATUS_STEP_MS, () => {
    const value = perMember('delivered', deliveredTo);
    if (value) notify(value);
  });
  // ASSUMPTION: a pin operation reports sent and delivered only (Meta: "standard sent and delivered statuses").
  if (sent.content.type === 'other' && sent.content.name === 'pin') return;
  ctx.later.after(2 * STATUS_STEP_MS, () => {
    const value = perMember('read', members);
    if (value) notify(value);
  });
}

function emitPersonStatuses(ctx: GraphContext, sent: SentMessage, person: NonNullable<SentMessage['person']>): void {
  const pricing = personPricing(ctx, sent.content, sent.phone.id, person);
  const value = (status: 'sent' | 'delivered' | 'read'): Item => ({
    contacts: [contactOf(person)],
    statuses: [
      {
        id: sent.id,
        status,
        timestamp: now(),
        ...(person.waId !== undefined && { recipient_id: person.waId }),
        ...(person.userId !== undefined && { recipient_user_id: person.userId }),
        ...(status !== 'sent' && { pricing }),
      },
    ],
  });
  ctx.webhooks.notify('messages', sent.phone.id, value('sent'));
  ctx.later.after(STATUS_STEP_MS, () => ctx.webhooks.notify('messages', sent.phone.id, value('delivered')));
  ctx.later.after(2 * STATUS_STEP_MS, () => ctx.webhooks.notify('messages', sent.phone.id, value('read')));
}

/**
 * Groups pricing page: non-template messages are `group_service` and free; utility templates are
 * free inside the group's window; marketing templates are always `regular`.
 */
function groupPricing(ctx: GraphContext, content: MessageContent, phoneNumberId: string, groupId: string): Item {
  const category = content.type === 'template' ? `group_${content.category}` : 'group_service';
  const free = content.type !== 'template' || (content.category === 'utility' && ctx.messages.windowOpen(phoneNumberId, `group:${groupId}`));
  return { billable: !free, pricing_model: 'PMP', type: free ? 'free_group_customer_service' : 'regular', category };
}

/** ASSUMPTION: 1:1 pricing as Meta's per-message pricing page names it (`free_customer_service`, `service`). */
function personPricing(ctx: GraphContext, content: MessageContent, phoneNumberId: string, person: { waId?: string; userId?: string }): Item {
  const category: TemplateCategory | 'service' = content.type === 'template' ? content.category : 'service';
  const inWindow = [person.waId, person.userId].some((who) => who !== undefined && ctx.messages.windowOpen(phoneNumberId, who));
  const free = content.type !== 'template' || (content.category === 'utility' && inWindow);
  return { billable: !free, pricing_model: 'PMP', type: free ? 'free_customer_service' : 'regular', category };
}

/** A `contacts[]` entry: `profile.name` (and `username` when the member has one), `wa_id`, `user_id`. */
export function contactOf(who: Participant & { name?: string }): Item {
  return {
    profile: { name: who.name ?? displayName(who.waId ?? who.userId ?? ''), ...(who.username !== undefined && { username: who.username }) },
    ...(who.waId !== undefined && { wa_id: who.waId }),
    ...(who.userId !== undefined && { user_id: who.userId }),
  };
}

const FIRST_NAMES = ['Ana', 'Bruno', 'Chidi', 'Dana', 'Emil', 'Farah', 'Gita', 'Hugo', 'Ines', 'Jonas', 'Kemi', 'Lucas'];

/** ASSUMPTION: the sandbox's people have made-up display names, the same for the same id. */
export function displayName(id: string): string {
  const n = createHash('sha256').update(id).digest().readUInt32BE(0);
  return `${FIRST_NAMES[n % FIRST_NAMES.length]} ${String.fromCharCode(65 + (n >>> 8) % 26)}.`;
}

export function now(): string {
  return String(Math.floor(Date.now() / 1000));
}
