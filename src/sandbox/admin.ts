/**
 * ADMIN API — not a Graph route; it exists only on this emulator. Lets separate
 * processes (benchmark, load test, demos) drive what tests do in-process: read the request
 * log, inject faults, seed phone numbers, groups and tokens, and play what WhatsApp users
 * do (user-actions.ts). No auth: the sandbox listens on loopback. Errors are
 * `{"sandboxError": "…"}`, deliberately unlike Graph envelopes: 400 bad input, 404
 * unknown group/link/request, 409 not allowed now.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { readCapped } from './body.js';
import { faultSchema, randomFaultsSchema, type FaultInjector } from './faults.js';
import { jsonReply, sendReply, type Reply } from './reply.js';
import type { MediaStore } from './media-store.js';
import type { MessageStore } from './message-store.js';
import type { RequestLog } from './request-log.js';
import { SEED_PHONE_NUMBER_ID, type GroupStore } from './store.js';
import type { TokenRegistry } from './tokens.js';
import { joinByLink, leave, requestToJoin, setSuspended, UserActionRefused, withdrawRequest } from './user-actions.js';
import { setUndeliverable, writeMessage } from './user-messages.js';
import { WEBHOOK_FIELDS, type WebhookField, type WebhookSink } from './webhook-sink.js';

export const ADMIN_PREFIX = '/__sandbox/';

export interface AdminDeps {
  store: GroupStore;
  tokens: TokenRegistry;
  log: RequestLog;
  faults: FaultInjector;
  webhooks: WebhookSink;
  messages: MessageStore;
  media: MediaStore;
}

const participantSchema = z.object({
  waId: z.string().regex(/^\d+$/).optional(),
  userId: z.string().optional(),
  username: z.string().optional(),
});

const seedSchema = z.object({
  id: z.string().min(1).optional(),
  subject: z.string().optional(),
  description: z.string().optional(),
  participants: z.union([z.number().int().min(0), z.array(participantSchema)]).optional(),
  joinApprovalMode: z.enum(['approval_required', 'auto_approve']).optional(),
  suspended: z.boolean().optional(),
  creationTimestamp: z.number().int().optional(),
  phoneNumberId: z.string().optional(),
  joinRequests: z
    .union([
      z.number().int().min(0),
      z.array(z.object({ waId: z.string().regex(/^\d+$/).optional(), userId: z.string().optional(), acceptedTerms: z.boolean().optional() })),
    ])
    .optional(),
});

/**
 * Any webhook item, as tests and demos need (what Meta would send; see README "Events and webhooks").
 * For `messages`, `item` is the change's value (`statuses`, or `contacts` and `messages`).
 */
const webhookSchema = z.object({
  field: z.enum(WEBHOOK_FIELDS as [WebhookField, ...WebhookField[]]),
  phoneNumberId: z.string().regex(/^\d+$/).optional(),
  item: z.record(z.string(), z.unknown()),
});

const phoneNumberSchema = z.object({
  id: z.string().regex(/^\d{1,32}$/),
  displayPhoneNumber: z.string().regex(/^\d+$/).optional(),
  groupCreation: z.enum(['enabled', 'frozen', 'ineligible']).optional(),
});

const requesterFields = {
  waId: z.string().regex(/^\d+$/),
  userId: z.string().optional(),
};
const joinSchema = z.object({ inviteLink: z.string(), ...requesterFields });
const requestJoinSchema = z.object({ inviteLink: z.string(), ...requesterFields, acceptedTerms: z.boolean().optional() });
const withdrawSchema = z.object({ groupId: z.string(), joinRequestId: z.string() });
const leaveSchema = z.object({ groupId: z.string(), user: z.string().min(1) });
const groupRefSchema = z.object({ groupId: z.string() });
const userMessageSchema = z.object({
  groupId: z.string().optional(),
  phoneNumberId: z.string().optional(),
  from: z.string().regex(/^(\+?\d{1,20}|[A-Z]{2}\.[A-Za-z0-9]+)$/, 'a wa_id, +phone number or BSUID'),
  name: z.string().min(1).max(256).optional(),
  type: z.enum(['text', 'image', 'unsupported']).default('text'),
  text: z.string().max(4096).optional(),
  caption: z.string().max(1024).optional(),
  replyTo: z.string().optional(),
});
const undeliverableSchema = z.object({ user: z.string().min(1), undeliverable: z.boolean().default(true) });

const tokenSchema = z.object({
  token: z.string().min(1),
  groups: z.union([z.literal('*'), z.array(z.string())]),
  phoneNumbers: z.array(z.string()).optional(),
});

type Route = (deps: AdminDeps, body: unknown) => Reply;

const ROUTES: Record<string, Route> = {
  'GET requests': (d) => jsonReply(200, d.log.entries),
  'DELETE requests': (d) => (d.log.clear(), noContent()),
  'POST faults': (d, body) => (d.faults.inject(parse(faultSchema, body)), jsonReply(201, { pending: d.faults.pending })),
  'POST faults/random': (d, body) => (d.faults.setRandom(parse(randomFaultsSchema, body ?? null)), jsonReply(200, { rate: d.faults.randomRate })),
  'DELETE faults': (d) => (d.faults.clear(), noContent()),
  'GET groups': (d) => jsonReply(200, d.store.list()),
  'POST groups': (d, body) => jsonReply(201, d.store.seedGroup(parse(seedSchema, body ?? {}))),
  'POST tokens': (d, body) => {
    const { token, groups, phoneNumbers } = parse(tokenSchema, body);
    d.tokens.addToken(token, { groups, ...(phoneNumbers && { phoneNumbers }) });
    return jsonReply(201, { token, groups, ...(phoneNumbers && { phoneNumbers }) });
  },
  'POST webhooks': (d, body) => {
    const { field, phoneNumberId, item } = parse(webhookSchema, body);
    // Default: the number that owns the item's group, else the seed number.
    const groupId = groupIdOf(item);
    const owner = groupId === undefined ? undefined : d.store.get(groupId)?.phoneNumberId;
    d.webhooks.notify(field, phoneNumberId ?? owner ?? SEED_PHONE_NUMBER_ID, item);
    return jsonReply(202, { field });
  },
  'POST phone-numbers': (d, body) => {
    const { id, displayPhoneNumber, groupCreation } = parse(phoneNumberSchema, body);
    return jsonReply(201, d.store.addPhoneNumber({ id, ...(displayPhoneNumber && { displayPhoneNumber }), ...(groupCreation && { groupCreation }) }));
  },
  'POST users/join': (d, body) => {
    const { inviteLink, ...user } = parse(joinSchema, body);
    return jsonReply(200, joinByLink(d, inviteLink, user));
  },
  'POST users/request-join': (d, body) => {
    const { inviteLink, ...user } = parse(requestJoinSchema, body);
    const request = requestToJoin(d, inviteLink, user);
    return jsonReply(201, { joinRequestId: request.id });
  },
  'POST users/withdraw-request': (d, body) => {
    const { groupId, joinRequestId } = parse(withdrawSchema, body);
    return (withdrawRequest(d, groupId, joinRequestId), noContent());
  },
  'POST users/leave': (d, body) => {
    const { groupId, user } = parse(leaveSchema, body);
    return (leave(d, groupId, user), noContent());
  },
  'POST users/send-message': (d, body) => jsonReply(200, writeMessage(d, parse(userMessageSchema, body))),
  'POST users/undeliverable': (d, body) => {
    const { user, undeliverable } = parse(undeliverableSchema, body);
    return (setUndeliverable(d, user, undeliverable), noContent());
  },
  'POST groups/suspend': (d, body) => (setSuspended(d, parse(groupRefSchema, body).groupId, true), noContent()),
  'POST groups/clear-suspension': (d, body) => (setSuspended(d, parse(groupRefSchema, body).groupId, false), noContent()),
  'GET state': (d) =>
    jsonReply(200, {
      groups: d.store.size,
      tokens: d.tokens.size,
      requests: d.log.entries.length,
      pendingFaults: d.faults.pending,
      randomFaultRate: d.faults.randomRate,
    }),
};

export async function handleAdminRequest(deps: AdminDeps, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const key = `${(req.method ?? 'GET').toUpperCase()} ${url.pathname.slice(ADMIN_PREFIX.length).replace(/\/+$/, '')}`;
  const route = ROUTES[key];
  const raw = await readCapped(req);
  if (!route) return void sendReply(res, adminError(404, `no admin route ${key}`));
  if (raw.problem) return void sendReply(res, adminError(413, 'body too large'));
  let body: unknown;
  try {
    body = raw.buffer.length === 0 ? undefined : JSON.parse(raw.buffer.toString('utf8'));
  } catch {
    return void sendReply(res, adminError(400, 'body is not JSON'));
  }
  try {
    sendReply(res, route(deps, body));
  } catch (error) {
    if (error instanceof UserActionRefused) return void sendReply(res, adminError(error.status, error.message));
    // Validation failures (zod, or the store's RangeErrors) are the caller's mistake.
    sendReply(res, adminError(400, error instanceof Error ? error.message : String(error)));
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new TypeError(z.prettifyError(parsed.error));
  return parsed.data;
}

/** A group item's `group_id`; in a messages value, the first message's `group_id` or status's `recipient_id`. */
function groupIdOf(item: Record<string, unknown>): string | undefined {
  const first = (list: unknown): Record<string, unknown> | undefined =>
    Array.isArray(list) && typeof list[0] === 'object' && list[0] !== null ? (list[0] as Record<string, unknown>) : undefined;
  const candidate = item.group_id ?? first(item.messages)?.group_id ?? first(item.statuses)?.recipient_id;
  return typeof candidate === 'string' ? candidate : undefined;
}

function noContent(): Reply {
  return { status: 204, headers: {}, body: undefined };
}

function adminError(status: number, message: string): Reply {
  return jsonReply(status, { sandboxError: message });
}
