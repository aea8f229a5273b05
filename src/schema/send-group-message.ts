import type { FileUpload } from 'graphql-upload-ts';
import type { GatewayContext } from '../context.js';
import { GatewayError } from '../errors.js';
import type { MediaReference, MediaType, MessageContent, TemplateContent } from '../graph/message-sends.js';
import { builder } from './builder.js';
import { assertGroupId } from './group-id.js';
import { assertMediaId, assertMessageId } from './message-id.js';
import { assertPhoneNumberId } from './phone-number-id.js';
import { checkTemplate, GroupTemplateInput } from './message-template.js';
import './upload.js';

/** Meta: a text message body has 1 to 4096 characters; a media caption at most 1024. */
export const TEXT_BODY_MAX_LENGTH = 4096;
export const CAPTION_MAX_LENGTH = 1024;
/** A sanity bound on a document's file name, not a rule of Meta's. */
const FILENAME_MAX_LENGTH = 240;

const GroupMediaKind = builder.enumType('GroupMediaKind', {
  description: 'The media types a group message may carry.',
  values: {
    IMAGE: { description: 'JPEG or PNG, at most 5 MiB.' },
    VIDEO: { description: 'MP4 or 3GPP, at most 16 MiB.' },
    AUDIO: { description: 'AAC, AMR, MP3, M4A or OGG (Opus), at most 16 MiB; no caption.' },
    DOCUMENT: { description: 'PDF, plain text or an Office document, at most 100 MiB (and MAX_MEDIA_UPLOAD_BYTES for an upload); may have a filename.' },
  } as const,
});

const GroupTextInput = builder.inputType('GroupTextInput', {
  description: 'A text message.',
  fields: (t) => ({
    body: t.string({ required: true, description: `1 to ${TEXT_BODY_MAX_LENGTH} characters.` }),
    previewUrl: t.boolean({ defaultValue: false, description: 'Show a preview of the first URL in the body.' }),
  }),
});

const GroupMediaInput = builder.inputType('GroupMediaInput', {
  description: 'A media message: exactly one of `file`, `link` and `mediaId`.',
  fields: (t) => ({
    kind: t.field({ type: GroupMediaKind, required: true, description: 'What the media is; decides the accepted types and sizes.' }),
    file: t.field({
      type: 'Upload',
      description: 'The file, sent as a multipart upload: it goes up first (`POST /{phone-number-id}/media`), then the message names its id. Its content type and size are checked while it arrives.',
    }),
    link: t.field({ type: 'URL', description: 'An http(s) URL the Graph API fetches the media from.' }),
    mediaId: t.id({ description: 'The id of media uploaded earlier to this phone number.' }),
    caption: t.string({ description: `At most ${CAPTION_MAX_LENGTH} characters. Not for AUDIO.` }),
    filename: t.string({ description: `Only for DOCUMENT: the file name the recipients see (at most ${FILENAME_MAX_LENGTH} characters).` }),
  }),
});

const SendGroupMessageInput = builder.inputType('SendGroupMessageInput', {
  description: 'A message to a group: exactly one of `text`, `media` and `template`.',
  fields: (t) => ({
    phoneNumberId: t.id({ required: true, description: 'The business phone number id (digits) the group belongs to.' }),
    groupId: t.id({ required: true, description: 'The group to post in.' }),
    text: t.field({ type: GroupTextInput }),
    media: t.field({ type: GroupMediaInput }),
    template: t.field({ type: GroupTemplateInput, description: 'A text- or media-based template (authentication templates are not allowed in groups).' }),
    replyToMessageId: t.id({ description: 'Reply to this message of the group (quoted above the new one).' }),
  }),
});

interface SentMessage {
  messageId: string;
  groupId: string;
}

const SendGroupMessagePayload = builder.objectRef<SentMessage>('SendGroupMessagePayload').implement({
  description: 'The message the Graph API accepted. Its statuses (SENT, then DELIVERED and READ per participant) arrive as `GroupMessageStatusChanged` events.',
  fields: (t) => ({
    messageId: t.exposeID('messageId', { nullable: false, description: 'The WhatsApp message id (`wamid.…`): statuses and replies name it.' }),
    groupId: t.exposeID('groupId', { nullable: false }),
  }),
});

builder.mutationField('sendGroupMessage', (t) =>
  t.field({
    type: SendGroupMessagePayload,
    nullable: false,
    description:
      'Posts a message in a group: `POST /{phone-number-id}/messages` with `recipient_type: group`. One upstream request, two for a `media.file` (the upload, then the message naming its id). ' +
      'Everything is validated before any upstream call; never retried (an upload is not sent again when the message fails). Outside the 24-hour service window a text or media message fails `OUTSIDE_SERVICE_WINDOW`: send a template.',
    args: { input: t.arg({ type: SendGroupMessageInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const phoneNumberId = assertPhoneNumberId(String(input.phoneNumberId));
      const groupId = assertGroupId(String(input.groupId));
      const replyTo = input.replyToMessageId == null ? undefined : assertMessageId(String(input.replyToMessageId), 'replyToMessageId');
      const content = checkContent(input);
      const message = 'upload' in content ? await uploadedMedia(phoneNumberId, content, context) : content.message;
      return { messageId: await context.graph.messageSender.sendToGroup(phoneNumberId, groupId, message, replyTo), groupId };
    },
  }),
);

/** A message ready to send, or media still to upload (its id, which the message names, comes from the upload). */
type CheckedContent = { message: MessageContent } | { type: MediaType; media: MediaReference; upload: Promise<FileUpload> };

type ContentInput = {
  text?: { body: string; previewUrl?: boolean | null } | null;
  media?: {
    kind: 'IMAGE' | 'VIDEO' | 'AUDIO' | 'DOCUMENT';
    file?: Promise<FileUpload> | null;
    link?: URL | null;
    mediaId?: string | number | null;
    caption?: string | null;
    filename?: string | null;
  } | null;
  template?: { name: string; languageCode: string; components?: unknown } | null;
};

/** The exactly-one rules, lengths and shapes: every problem in one BAD_USER_INPUT. */
function checkContent(input: ContentInput): CheckedContent {
  const given = (['text', 'media', 'template'] as const).filter((name) => input[name] != null);
  if (given.length !== 1) {
    throw new GatewayError('BAD_USER_INPUT', `Give exactly one of text, media and template; got ${given.length === 0 ? 'none' : given.join(' and ')}`);
  }
  if (input.text) {
    const length = [...input.text.body].length;
    if (length === 0 || length > TEXT_BODY_MAX_LENGTH) {
      throw new GatewayError('BAD_USER_INPUT', `text.body is ${length} characters long: give 1 to ${TEXT_BODY_MAX_LENGTH}`);
    }
    return { message: { type: 'text', text: { body: input.text.body, preview_url: input.text.previewUrl ?? false } } };
  }
  if (input.template) {
    const template: TemplateContent = checkTemplate(input.template, 'template');
    return { message: { type: 'template', template } };
  }
  return checkMedia(input.media!);
}

function checkMedia(media: NonNullable<ContentInput['media']>): CheckedContent {
  const type = media.kind.toLowerCase() as MediaType;
  const problems: string[] = [];
  const sources = (['file', 'link', 'mediaId'] as const).filter((name) => media[name] != null);
  if (sources.length !== 1) problems.push(`give exactly one of media.file, media.link and media.mediaId; got ${sources.length === 0 ? 'none' : sources.join(' and ')}`);
  if (media.caption != null) {
    if (type === 'audio') problems.push('media.caption is not allowed on AUDIO (the Graph API would drop it)');
    else if ([...media.caption].length > CAPTION_MAX_LENGTH) problems.push(`media.caption is longer than ${CAPTION_MAX_LENGTH} characters`);
  }
  if (media.filename != null) {
    if (type !== 'document') problems.push(`media.filename is only for DOCUMENT, not ${media.kind}`);
    else if (media.filename.trim().length === 0 || [...media.filename].length > FILENAME_MAX_LENGTH) problems.push(`media.filename must have 1 to ${FILENAME_MAX_LENGTH} characters`);
  }
  if (media.link != null && media.link.protocol !== 'https:' && media.link.protocol !== 'http:') problems.push('media.link must be an http or https URL');
  if (problems.length > 0) throw new GatewayError('BAD_USER_INPUT', `Invalid media: ${problems.join('; ')}`);

  const reference: MediaReference = {
    ...(media.caption != null ? { caption: media.caption } : {}),
    ...(media.filename != null ? { filename: media.filename } : {}),
  };
  if (media.file != null) return { type, media: reference, upload: media.file };
  const source = media.link != null ? { link: media.link.toString() } : { id: assertMediaId(String(media.mediaId)) };
  return { message: { type, media: { ...source, ...reference } } };
}

/**
 * Checks the file (type, size) before anything goes upstream, uploads it (holding an upload slot
 * until the upload answered) and returns the message naming the new media id. An `Upload` only
 * exists in a multipart request, whose parser (useUploads) sets `context.uploads`.
 */
async function uploadedMedia(
  phoneNumberId: string,
  { type, media, upload }: Extract<CheckedContent, { upload: unknown }>,
  context: GatewayContext,
): Promise<MessageContent> {
  if (!context.uploads) throw new Error('An Upload outside a multipart request: useUploads is not installed');
  const reserved = await context.uploads.reserveMedia(upload, type);
  try {
    const { file, mimeType, filename } = reserved.media;
    const id = await context.graph.mediaUploader.upload(phoneNumberId, file, mimeType, filename);
    return { type, media: { id, ...media } };
  } finally {
    reserved.release();
  }
}
