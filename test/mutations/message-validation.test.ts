/** Every message mutation refuses bad input with BAD_USER_INPUT before any upstream call. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { postMultipart, type MultipartRequest } from '../helpers/multipart.js';
import { makeJpeg } from '../sandbox/jpeg.js';

const MiB = 1024 * 1024;
const PHONE = '15550100199';
const GROUP = 'Y2FwaV9ncm91cDoxNTU1MDEwMDE5OToxMjAzNjMwMDAwMDAwMDAwMDE=';

const SendGroupMessage = /* GraphQL */ `
  mutation SendGroupMessage($input: SendGroupMessageInput!) { sendGroupMessage(input: $input) { messageId groupId } }
`;
const SendGroupInviteLink = /* GraphQL */ `
  mutation SendGroupInviteLink($input: SendGroupInviteLinkInput!) { sendGroupInviteLink(input: $input) { groupId sent { to messageId } failed { to code message } } }
`;
const PinGroupMessage = /* GraphQL */ `
  mutation PinGroupMessage($input: PinGroupMessageInput!) { pinGroupMessage(input: $input) { messageId groupId } }
`;
const UnpinGroupMessage = /* GraphQL */ `
  mutation UnpinGroupMessage($input: UnpinGroupMessageInput!) { unpinGroupMessage(input: $input) { messageId groupId } }
`;

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());

/** The one error's code and message; asserts no data and that nothing at all went upstream. */
async function refusal(document: string, input: Record<string, unknown>): Promise<{ code: unknown; message: string }> {
  gw.takeUpstreamRequests();
  const { body } = await gw.query(document, { input });
  expect(gw.takeUpstreamRequests()).toEqual([]);
  expect(body.data ?? null).toBeNull();
  expect(body.errors).toHaveLength(1);
  return { code: body.errors![0]!.extensions?.code, message: body.errors![0]!.message };
}

const send = (fields: Record<string, unknown>) => ({ phoneNumberId: PHONE, groupId: GROUP, ...fields });

describe('sendGroupMessage: exactly one of text, media, template', () => {
  it.each([
    ['none', {}, 'Give exactly one of text, media and template; got none'],
    ['text and template', { text: { body: 'hi' }, template: { name: 'hello', languageCode: 'en' } }, 'Give exactly one of text, media and template; got text and template'],
    ['all three', { text: { body: 'hi' }, media: { kind: 'IMAGE', link: 'https://example.com/a.jpg' }, template: { name: 'hello', languageCode: 'en' } }, 'Give exactly one of text, media and template; got text and media and template'],
  ])('%s → BAD_USER_INPUT, nothing sent', async (_name, fields, message) => {
    expect(await refusal(SendGroupMessage, send(fields))).toEqual({ code: 'BAD_USER_INPUT', message });
  });

  it.each([
    ['no source', { kind: 'IMAGE' }, 'Invalid media: give exactly one of media.file, media.link and media.mediaId; got none'],
    ['link and mediaId', { kind: 'IMAGE', link: 'https://example.com/a.jpg', mediaId: '123' }, 'Invalid media: give exactly one of media.file, media.link and media.mediaId; got link and mediaId'],
    ['caption on audio', { kind: 'AUDIO', mediaId: '123', caption: 'listen' }, 'Invalid media: media.caption is not allowed on AUDIO (the Graph API would drop it)'],
    ['filename on an image', { kind: 'IMAGE', mediaId: '123', filename: 'a.jpg' }, 'Invalid media: media.filename is only for DOCUMENT, not IMAGE'],
    ['a caption over 1024 characters', { kind: 'VIDEO', mediaId: '123', caption: 'x'.repeat(1025) }, 'Invalid media: media.caption is longer than 1024 characters'],
    ['an ftp link', { kind: 'DOCUMENT', link: 'ftp://example.com/a.pdf' }, 'Invalid media: media.link must be an http or https URL'],
    ['a media id with a slash', { kind: 'IMAGE', mediaId: '12/3' }, 'Invalid mediaId: a media id has 1 to 256 letters, digits and _ = + -'],
  ])('media: %s → BAD_USER_INPUT, nothing sent', async (_name, media, message) => {
    expect(await refusal(SendGroupMessage, send({ media }))).toEqual({ code: 'BAD_USER_INPUT', message });
  });

  it('text.body of 0 or 4097 characters is refused; 4096 emoji (code points, not UTF-16 units) are not counted twice', async () => {
    expect(await refusal(SendGroupMessage, send({ text: { body: '' } }))).toEqual({ code: 'BAD_USER_INPUT', message: 'text.body is 0 characters long: give 1 to 4096' });
    expect(await refusal(SendGroupMessage, send({ text: { body: 'a'.repeat(4097) } }))).toEqual({ code: 'BAD_USER_INPUT', message: 'text.body is 4097 characters long: give 1 to 4096' });
    expect(await refusal(SendGroupMessage, send({ text: { body: '😀'.repeat(4097) } }))).toEqual({ code: 'BAD_USER_INPUT', message: 'text.body is 4097 characters long: give 1 to 4096' });
  });

  it('ids shaped like ids, a template shaped like a template', async () => {
    expect(await refusal(SendGroupMessage, { phoneNumberId: '+1555', groupId: GROUP, text: { body: 'hi' } })).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/^Invalid phone number id/) });
    expect(await refusal(SendGroupMessage, { phoneNumberId: PHONE, groupId: '../me', text: { body: 'hi' } })).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/^Invalid group id/) });
    expect(await refusal(SendGroupMessage, send({ text: { body: 'hi' }, replyToMessageId: 'wamid 1' }))).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/^Invalid replyToMessageId/) });
    expect(await refusal(SendGroupMessage, send({ template: { name: 'Hello World', languageCode: 'english', components: { type: 'body' } } }))).toEqual({
      code: 'BAD_USER_INPUT',
      message:
        'Invalid template: template.name must be 1 to 512 lowercase letters, digits and underscores; template.languageCode must look like "en" or "en_US"; template.components must be a JSON array of objects (the Graph API\'s template components)',
    });
  });

  it('a link that is not a URL is refused by the URL scalar, before any resolver', async () => {
    gw.takeUpstreamRequests();
    const { body } = await gw.query(SendGroupMessage, { input: send({ media: { kind: 'IMAGE', link: 'not a url' } }) });
    expect(gw.takeUpstreamRequests()).toEqual([]);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.message).toMatch(/\$input.*media\.link/);
  });
});

/** sendGroupMessage with `media.file` as a GraphQL multipart request. */
function sendFile(gateway: TestGateway, media: Record<string, unknown>, file: MultipartRequest['file'], pauseAfter?: number) {
  return postMultipart(gateway.url, {
    ...(pauseAfter !== undefined ? { pauseAfter } : {}),
    query: SendGroupMessage,
    variables: { input: send({ media: { ...media, file: null } }) },
    fileVariable: 'variables.input.media.file',
    file,
    headers: { authorization: 'Bearer test-token-sees-all-groups', 'x-graphql-yoga-csrf': '1' },
  });
}

describe('sendGroupMessage: an uploaded file is checked while it arrives', () => {
  it.each([
    ['a GIF as an IMAGE', { kind: 'IMAGE' }, { bytes: Buffer.from('GIF89a……'), filename: 'a.gif', contentType: 'image/gif' }, 'The image upload is of type image/gif; a image may be image/jpeg, image/png'],
    ['a PNG declared but JPEG bytes', { kind: 'IMAGE' }, { bytes: makeJpeg(64, 64), filename: 'a.png', contentType: 'image/png' }, 'The image upload is declared image/png but its bytes are not a PNG image'],
    ['an empty document', { kind: 'DOCUMENT' }, { bytes: Buffer.alloc(0), filename: 'a.pdf', contentType: 'application/pdf' }, 'The document upload is empty'],
    ['a video over MAX_MEDIA_UPLOAD_BYTES (5 MiB by default)', { kind: 'VIDEO' }, { size: 5 * MiB + 1, filename: 'a.mp4', contentType: 'video/mp4' }, 'The video upload (MAX_MEDIA_UPLOAD_BYTES 5 MiB) is too large: at most 5 MiB (5242880 bytes) is allowed; reading stopped at that limit'],
    ['caption on an uploaded audio', { kind: 'AUDIO', caption: 'hi' }, { bytes: Buffer.from('ID3'), filename: 'a.mp3', contentType: 'audio/mpeg' }, 'Invalid media: media.caption is not allowed on AUDIO (the Graph API would drop it)'],
  ])('%s → BAD_USER_INPUT, nothing sent', async (_name, media, file, message) => {
    gw.takeUpstreamRequests();
    const { body } = await sendFile(gw, media, file);
    expect(gw.takeUpstreamRequests()).toEqual([]);
    expect(body.errors?.map((e) => ({ code: e.extensions?.code, message: e.message }))).toEqual([{ code: 'BAD_USER_INPUT', message }]);
  });

  it('with MAX_MEDIA_UPLOAD_BYTES at 16 MiB, an image still stops at its own 5 MiB while it is being read', async () => {
    const big = await startGateway({ env: { MAX_MEDIA_UPLOAD_BYTES: String(16 * MiB) } });
    try {
      const { body, bytesSent } = await sendFile(big, { kind: 'IMAGE' }, { size: 12 * MiB, head: makeJpeg(64, 64), filename: 'a.jpg', contentType: 'image/jpeg' }, 6 * MiB);
      expect(big.takeUpstreamRequests()).toEqual([]);
      expect(body.errors?.map((e) => ({ code: e.extensions?.code, message: e.message }))).toEqual([
        { code: 'BAD_USER_INPUT', message: 'The image upload is too large: at most 5 MiB (5242880 bytes) is allowed; reading stopped at that limit' },
      ]);
      // Answered while the client paused at 6 MiB of its 12: the refusal did not wait for the whole file.
      expect(bytesSent).toBeLessThan(7 * MiB);
    } finally {
      await big.close();
    }
  });
});

describe('sendGroupInviteLink', () => {
  const invite = (to: unknown[]) => ({ phoneNumberId: PHONE, groupId: GROUP, to, template: { name: 'group_invite', languageCode: 'en_US' } });
  it.each([
    ['nobody', [], 'Invalid invite: give 1 to 50 people in `to`; got 0'],
    ['51 people', Array.from({ length: 51 }, (_, i) => `1650555${String(i).padStart(4, '0')}`), 'Invalid invite: give 1 to 50 people in `to`; got 51'],
    ['a name', ['Ana'], 'Invalid invite: to[0] is not a phone number (+ and digits), a wa_id (digits) or a BSUID (e.g. US.13491208655302741918)'],
    ['the same person twice', ['+16505551234', '16505551234'], 'Invalid invite: to[1] repeats 16505551234: each person once'],
  ])('%s → BAD_USER_INPUT, nothing sent', async (_name, to, message) => {
    expect(await refusal(SendGroupInviteLink, invite(to))).toEqual({ code: 'BAD_USER_INPUT', message });
  });
});

describe('pinGroupMessage / unpinGroupMessage', () => {
  const pin = (fields: Record<string, unknown>) => ({ phoneNumberId: PHONE, groupId: GROUP, messageId: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA', ...fields });
  it.each([0, 31])('expirationDays %i → BAD_USER_INPUT, nothing sent', async (days) => {
    expect(await refusal(PinGroupMessage, pin({ expirationDays: days }))).toEqual({ code: 'BAD_USER_INPUT', message: `expirationDays is ${days}: a pin lasts 1 to 30 days` });
  });
  it('a message id that is not one → BAD_USER_INPUT, nothing sent', async () => {
    expect(await refusal(UnpinGroupMessage, pin({ messageId: 'wamid?x' }))).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/^Invalid messageId/) });
  });
});
