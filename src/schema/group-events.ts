import { GatewayError } from '../errors.js';
import { isEventId, type EventError, type GroupEvent, type GroupEventKind, type PictureChange, type SettingChange } from '../events/group-event.js';
import { SubscriptionFailure } from '../events/group-events.js';
import { builder } from './builder.js';
import { FailedGroupParticipantRef } from './failed-group-participant.js';
import { GroupParticipantRef, GroupRef, JoinApprovalMode, loadGroup } from './group.js';

const GroupEventErrorRef = builder.objectRef<EventError>('GroupEventError').implement({
  description: 'An error a webhook reported (the item\'s `errors[]`).',
  fields: (t) => ({
    code: t.int({ description: 'The Graph API error code.', resolve: (e) => e.code ?? null }),
    message: t.exposeString('message', { nullable: false }),
    title: t.string({ resolve: (e) => e.title ?? null }),
    details: t.string({ description: 'From `error_data.details`.', resolve: (e) => e.details ?? null }),
  }),
});

const errorsField = { nullable: { list: false, items: false } } as const;

export const GroupEventRef = builder.interfaceRef<GroupEvent>('GroupEvent').implement({
  description: 'Something that happened to a group, reported by a WhatsApp webhook.',
  resolveType: (event) => event.kind,
  fields: (t) => ({
    eventId: t.exposeID('eventId', { nullable: false, description: 'Increasing; pass the last one seen as `after` to resume.' }),
    groupId: t.id({ description: 'Null only for a creation that failed.', resolve: (e) => e.groupId ?? null }),
    phoneNumberId: t.id({ nullable: false, description: 'The business phone number the group belongs to.', resolve: (e) => e.phoneNumberId }),
    requestId: t.string({ description: 'The `request_id` of the write this event answers, if any.', resolve: (e) => e.requestId ?? null }),
    occurredAt: t.field({ type: 'DateTime', resolve: (e) => (e.occurredAt ? new Date(e.occurredAt) : null) }),
    errors: t.field({ type: [GroupEventErrorRef], ...errorsField, description: 'Why it failed, wholly or partly.', resolve: (e) => e.errors }),
    group: t.field({
      type: GroupRef,
      description: 'The group now, read with the subscriber\'s token (only the selected fields). Null once deleted.',
      resolve: (e, _args, context, info) => (e.groupId === undefined || e.kind === 'GroupDeleted' ? null : loadGroup(e.groupId, context, info)),
    }),
  }),
});

const GroupSettingChangeRef = builder.objectRef<SettingChange>('GroupSettingChange').implement({
  description: 'The outcome of changing the subject or the description.',
  fields: (t) => ({
    text: t.string({ resolve: (c) => c.text ?? null }),
    updateSuccessful: t.exposeBoolean('updateSuccessful', { nullable: false }),
    errors: t.field({ type: [GroupEventErrorRef], ...errorsField, resolve: (c) => c.errors }),
  }),
});

const GroupPictureChangeRef = builder.objectRef<PictureChange>('GroupPictureChange').implement({
  description: 'The outcome of changing the profile picture.',
  fields: (t) => ({
    mimeType: t.string({ resolve: (c) => c.mimeType ?? null }),
    sha256: t.string({ resolve: (c) => c.sha256 ?? null }),
    updateSuccessful: t.exposeBoolean('updateSuccessful', { nullable: false }),
    errors: t.field({ type: [GroupEventErrorRef], ...errorsField, resolve: (c) => c.errors }),
  }),
});

function eventType(kind: GroupEventKind, description: string) {
  return builder.objectRef<GroupEvent>(kind).implement({ description, interfaces: [GroupEventRef], fields: () => ({}) });
}

builder.objectFields(eventType('GroupCreated', 'A group was created (`group_lifecycle_update`, `group_create`).'), (t) => ({
  subject: t.string({ resolve: (e) => e.subject ?? null }),
  description: t.string({ resolve: (e) => e.description ?? null }),
  inviteLink: t.string({ resolve: (e) => e.inviteLink ?? null }),
  joinApprovalMode: t.field({
    type: JoinApprovalMode,
    resolve: (e) => (e.joinApprovalMode === 'approval_required' || e.joinApprovalMode === 'auto_approve' ? e.joinApprovalMode : null),
  }),
}));
eventType('GroupCreationFailed', 'A creation failed: `errors` says why, `requestId` which `createGroup` it was.');
eventType('GroupDeleted', 'A group was deleted.');
eventType('GroupDeletionFailed', 'A deletion failed: `errors` says why.');
builder.objectFields(eventType('GroupSettingsUpdated', 'The outcome of a settings change (`group_settings_update`), per setting.'), (t) => ({
  subject: t.field({ type: GroupSettingChangeRef, resolve: (e) => e.subjectChange ?? null }),
  description: t.field({ type: GroupSettingChangeRef, resolve: (e) => e.descriptionChange ?? null }),
  profilePicture: t.field({ type: GroupPictureChangeRef, resolve: (e) => e.pictureChange ?? null }),
}));
builder.objectFields(eventType('GroupParticipantsAdded', 'People joined (by invite link, or an approved join request).'), (t) => ({
  participants: t.field({ type: [GroupParticipantRef], nullable: { list: false, items: false }, resolve: (e) => e.participants ?? [] }),
  reason: t.string({ description: 'e.g. `invite_link`.', resolve: (e) => e.reason ?? null }),
}));
builder.objectFields(eventType('GroupParticipantsRemoved', 'People were removed, or left.'), (t) => ({
  removedParticipants: t.field({ type: [GroupParticipantRef], nullable: { list: false, items: false }, resolve: (e) => e.removedParticipants ?? [] }),
  failedParticipants: t.field({
    type: [FailedGroupParticipantRef],
    nullable: { list: false, items: false },
    resolve: (e) => e.failedParticipants ?? [],
  }),
  initiatedBy: t.string({ description: '`business` (a removal) or `participant` (someone left).', resolve: (e) => e.initiatedBy ?? null }),
}));
for (const [kind, description] of [
  ['GroupJoinRequestCreated', 'Someone asked to join (a group that requires approval).'],
  ['GroupJoinRequestRevoked', 'Someone withdrew their request to join.'],
] as const) {
  builder.objectFields(eventType(kind, description), (t) => ({
    joinRequestId: t.id({ nullable: false, resolve: (e) => e.joinRequestId ?? '' }),
    waId: t.string({ resolve: (e) => e.waId ?? null }),
    userId: t.string({ resolve: (e) => e.userId ?? null }),
  }));
}
eventType('GroupSuspended', 'WhatsApp suspended the group.');
eventType('GroupSuspensionCleared', 'WhatsApp lifted the group\'s suspension.');

builder.subscriptionType({ description: 'Live group events, from signed WhatsApp webhooks.' });

builder.subscriptionField('groupEvents', (t) =>
  t.field({
    type: GroupEventRef,
    nullable: false,
    description:
      'Events of the groups the caller\'s token can read, and of the writes it made through this gateway. With `after`, replays what came after that event first (as far as EVENT_RETENTION reaches), then continues live.',
    args: {
      phoneNumberId: t.arg.id({ description: 'Only events of this business phone number.' }),
      groupId: t.arg.id({ description: 'Only events of this group.' }),
      requestId: t.arg.string({ description: 'Only events answering this write (`requestId` of a mutation).' }),
      after: t.arg.id({ description: 'The last `eventId` seen: resume after it.' }),
    },
    subscribe: (_root, args, context) => {
      const events = context.groupEvents;
      const fingerprint = context.callerFingerprint;
      if (!events) throw new GatewayError('INTERNAL_SERVER_ERROR', 'Group events are not available');
      if (!fingerprint) {
        throw new GatewayError('UNAUTHENTICATED', 'Subscribing needs `Authorization: Bearer <WhatsApp access token>` (connectionParams.authorization over WebSocket)');
      }
      const after = args.after === null || args.after === undefined ? undefined : String(args.after);
      if (after !== undefined && !isEventId(after)) {
        throw new GatewayError('BAD_USER_INPUT', 'after must be an eventId this subscription gave, like "1764489600000-0"');
      }
      return events.subscribe(
        { fingerprint, readGroup: (groupId) => context.graph.groups.load({ id: groupId, fields: ['id'] }) },
        { phoneNumberId: args.phoneNumberId?.toString(), groupId: args.groupId?.toString(), requestId: args.requestId, after },
      );
    },
    // A subscription keeps one context for its lifetime: each event reads `group` afresh.
    resolve: (event, _args, context) => {
      if (event instanceof SubscriptionFailure) throw event.error;
      context.graph.forgetReads();
      return event;
    },
  }),
);
