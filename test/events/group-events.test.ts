/** Every webhook item type becomes its typed event, with the filters and the request-id route to its writer. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ALL_GROUPS_TOKEN, nowStamp, postWebhook, startEventsGateway, subscribeWs, webhookBody, wsClient, type EventsGateway } from './support.js';

let gw: EventsGateway;
beforeAll(async () => (gw = await startEventsGateway()));
afterAll(async () => gw?.close());

const SUBSCRIPTION = `subscription($requestId: String, $groupId: ID, $phoneNumberId: ID) {
  groupEvents(requestId: $requestId, groupId: $groupId, phoneNumberId: $phoneNumberId) {
    __typename eventId groupId phoneNumberId requestId occurredAt errors { code message title details }
    ... on GroupCreated { subject description inviteLink joinApprovalMode group { id subject } }
    ... on GroupSettingsUpdated {
      # Aliased: GroupCreated's subject and description are strings (fields of one name must agree).
      subjectChange: subject { text updateSuccessful errors { code } }
      descriptionChange: description { text updateSuccessful errors { code message title details } }
      profilePicture { mimeType sha256 updateSuccessful }
    }
    ... on GroupParticipantsAdded { participants { waId userId } reason }
    ... on GroupParticipantsRemoved { removedParticipants { waId userId } failedParticipants { participant code message } initiatedBy }
    ... on GroupJoinRequestCreated { joinRequestId waId userId }
    ... on GroupJoinRequestRevoked { joinRequestId waId }
  }
}`;

it('maps each webhook item to its GraphQL type and fields', async () => {
  const [group] = gw.sandbox.demoGroupIds as [string];
  const client = wsClient(gw.origin, ALL_GROUPS_TOKEN);
  const subscriber = await subscribeWs(client, SUBSCRIPTION);
  // A creation that failed has no group: it reaches only the token whose write got this request id.
  gw.gateway.events.recordWrite(gw.gateway.fingerprint(ALL_GROUPS_TOKEN), { route: { kind: 'group.create', template: '/{phone-number-id}/groups', phoneNumberId: '15550100199' }, answer: { request_id: 'REQ-CREATE-FAIL' } });
  const ts = nowStamp();
  const items: [string, Record<string, unknown>][] = [
    ['group_lifecycle_update', { timestamp: ts, group_id: group, type: 'group_create', request_id: 'REQ-1', subject: 'Hikers', description: 'Weekend', invite_link: 'https://chat.whatsapp.com/AbC', join_approval_mode: 'approval_required' }],
    ['group_lifecycle_update', { timestamp: ts, type: 'group_create', request_id: 'REQ-CREATE-FAIL', errors: [{ code: 131215, message: 'Groups not enabled', title: 'Not eligible' }] }],
    ['group_lifecycle_update', { timestamp: ts, group_id: group, type: 'group_delete', request_id: 'REQ-3', errors: [{ code: 131207, message: 'Group suspended' }] }],
    ['group_settings_update', {
      timestamp: ts, group_id: group, type: 'group_settings_update', request_id: 'REQ-4',
      group_subject: { text: 'New', update_successful: true },
      group_description: { text: 'Long…', update_successful: false, errors: [{ code: 100, message: 'Invalid description', title: 'Update Failed', error_data: { details: 'Description too long' } }] },
      profile_picture: { mime_type: 'image/jpeg', sha256: 'abc', update_successful: true },
      errors: [{ code: 131000, message: 'Some settings were not updated' }],
    }],
    ['group_participants_update', { timestamp: ts, group_id: group, type: 'group_participants_add', reason: 'invite_link', added_participants: [{ wa_id: '16505551234' }, { user_id: 'US.1', wa_id: '447700900123' }] }],
    ['group_participants_update', {
      timestamp: ts, group_id: group, type: 'group_participants_remove', request_id: 'REQ-6', initiated_by: 'business',
      removed_participants: [{ input: '16505551234' }], failed_participants: [{ input: 'US.99', errors: [{ code: 131203, message: 'Not a participant' }] }],
      errors: [{ code: 131000, message: 'Failed to remove some participants from the group', title: 'Not All Participants Remove Succeeded' }],
    }],
    ['group_participants_update', { timestamp: ts, group_id: group, type: 'group_join_request_created', join_request_id: 'JR-1', wa_id: '16505550000' }],
    ['group_participants_update', { timestamp: ts, group_id: group, type: 'group_join_request_revoked', join_request_id: 'JR-1', wa_id: '16505550000' }],
    ['group_participants_update', { timestamp: ts, group_id: group, type: 'group_unknown_future_type' }],
  ];
  for (const [field, item] of items) expect((await postWebhook(gw.webhookUrl, webhookBody(field, item))).status).toBe(200);

  const events = (await subscriber.waitForResults(8)).map((r) => r.data?.groupEvents);
  const common = { groupId: group, phoneNumberId: '15550100199', occurredAt: new Date(Number(ts) * 1000).toISOString() };
  expect(events[0]).toEqual({
    __typename: 'GroupCreated', eventId: events[0].eventId, ...common, requestId: 'REQ-1', errors: [],
    subject: 'Hikers', description: 'Weekend', inviteLink: 'https://chat.whatsapp.com/AbC', joinApprovalMode: 'APPROVAL_REQUIRED',
    group: { id: group, subject: expect.any(String) },
  });
  expect(events[1]).toMatchObject({ __typename: 'GroupCreationFailed', groupId: null, requestId: 'REQ-CREATE-FAIL', errors: [{ code: 131215, message: 'Groups not enabled', title: 'Not eligible', details: null }] });
  expect(events[2]).toMatchObject({ __typename: 'GroupDeletionFailed', requestId: 'REQ-3', errors: [{ code: 131207 }] });
  expect(events[3]).toMatchObject({
    __typename: 'GroupSettingsUpdated',
    subjectChange: { text: 'New', updateSuccessful: true, errors: [] },
    descriptionChange: { text: 'Long…', updateSuccessful: false, errors: [{ code: 100, message: 'Invalid description', title: 'Update Failed', details: 'Description too long' }] },
    profilePicture: { mimeType: 'image/jpeg', sha256: 'abc', updateSuccessful: true },
    errors: [{ code: 131000 }],
  });
  expect(events[4]).toMatchObject({ __typename: 'GroupParticipantsAdded', reason: 'invite_link', participants: [{ waId: '16505551234', userId: null }, { waId: '447700900123', userId: 'US.1' }] });
  expect(events[5]).toMatchObject({
    __typename: 'GroupParticipantsRemoved', initiatedBy: 'business',
    removedParticipants: [{ waId: '16505551234', userId: null }],
    failedParticipants: [{ participant: 'US.99', code: 131203, message: 'Not a participant' }],
  });
  expect(events[6]).toMatchObject({ __typename: 'GroupJoinRequestCreated', joinRequestId: 'JR-1', waId: '16505550000' });
  expect(events[7]).toMatchObject({ __typename: 'GroupJoinRequestRevoked', joinRequestId: 'JR-1' });
  // The unknown type was acknowledged (200) and not published.
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(subscriber.results).toHaveLength(8);
  await client.dispose();
});

it('filters by requestId, groupId and phoneNumberId', async () => {
  const [first, second] = gw.sandbox.demoGroupIds as [string, string];
  const client = wsClient(gw.origin, ALL_GROUPS_TOKEN);
  const byRequest = await subscribeWs(client, SUBSCRIPTION, { requestId: 'REQ-WANTED' });
  const byGroup = await subscribeWs(client, SUBSCRIPTION, { groupId: second });
  const byPhone = await subscribeWs(client, SUBSCRIPTION, { phoneNumberId: '15550009999' });
  const deleted = (groupId: string, requestId: string) => ({ timestamp: nowStamp(), group_id: groupId, type: 'group_delete', request_id: requestId, errors: [{ code: 1, message: 'x' }] });
  await postWebhook(gw.webhookUrl, webhookBody('group_lifecycle_update', deleted(first, 'REQ-OTHER')));
  await postWebhook(gw.webhookUrl, webhookBody('group_lifecycle_update', deleted(first, 'REQ-WANTED')));
  await postWebhook(gw.webhookUrl, webhookBody('group_lifecycle_update', deleted(second, 'REQ-SECOND')));
  await postWebhook(gw.webhookUrl, webhookBody('group_lifecycle_update', deleted(second, 'REQ-PHONE'), '15550009999'));
  await byRequest.waitForResults(1);
  await byGroup.waitForResults(2);
  await byPhone.waitForResults(1);
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(byRequest.results.map((r) => r.data?.groupEvents.requestId)).toEqual(['REQ-WANTED']);
  expect(byGroup.results.map((r) => r.data?.groupEvents.requestId)).toEqual(['REQ-SECOND', 'REQ-PHONE']);
  expect(byPhone.results.map((r) => r.data?.groupEvents.requestId)).toEqual(['REQ-PHONE']);
  await client.dispose();
});
