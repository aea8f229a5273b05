/**
 * What a send asks to deliver (`type` and its object: `text`, `image`…, `template`), checked
 * as Cloud API checks it. Groups take text, media (`image`, `video`, `audio`, `document`, by
 * `id` or `link`, a `caption` except on audio, a `filename` only on documents) and text- or
 * media-based templates; nothing else (interactive, authentication templates, commerce,
 * view-once, disappearing: Group messaging). Codes: 131008 a required parameter is missing,
 * 131009 a value is not valid, 131051 a type the recipient cannot get, 100 a type Cloud API
 * does not know (WhatsApp error codes).
 */
import { graphError, invalidParameter, parameterNotValid, requiredParameter } from './graph-errors.js';
import type { GraphContext } from './graph-call.js';
import { findVisibleGroup } from './group-access.js';
import type { MediaKind, StoredMedia } from './media-store.js';
import type { Params } from './params.js';
import { templateCategory, type TemplateCategory } from './templates.js';

export const TEXT_MAX = 4096;
/** Cloud API's caption limit (Messages reference: 1024 characters). */
export const CAPTION_MAX = 1024;
/** ASSUMPTION: Meta documents no filename limit; 255 as file systems allow. */
export const FILENAME_MAX = 255;

const SENDABLE_MEDIA = ['image', 'video', 'audio', 'document'] as const;
type SendableMedia = (typeof SENDABLE_MEDIA)[number];

/** Cloud API's message types (Messages reference); `pin` only exists for groups. */
const KNOWN_TYPES = [
  'text', 'image', 'video', 'audio', 'document', 'sticker', 'location', 'contacts',
  'interactive', 'template', 'reaction', 'pin',
] as const;
type KnownType = (typeof KNOWN_TYPES)[number];

const GROUP_TYPES: ReadonlySet<KnownType> = new Set(['text', ...SENDABLE_MEDIA, 'template', 'pin']);

export type MessageContent =
  | { type: 'text'; body: string; previewUrl: boolean }
  | { type: SendableMedia; mediaId?: string; link?: string; caption?: string; filename?: string }
  | { type: 'template'; name: string; languageCode: string; category: TemplateCategory; invitesToGroups: string[] }
  /** Individual-only types the sandbox passes on without looking inside (ASSUMPTION). */
  | { type: 'other'; name: KnownType };

export type Audience = 'group' | 'individual';

/** The message's `type` (default `text`, as Cloud API's). Throws 100 for a type Cloud API does not know. */
export function messageType(params: Params): KnownType {
  const type = params.get('type') ?? 'text';
  if (typeof type !== 'string' || !(KNOWN_TYPES as readonly string[]).includes(type)) {
    throw invalidParameter(`Param type must be one of {${KNOWN_TYPES.join(', ')}}.`);
  }
  return type as KnownType;
}

/** Throws 131051 when the audience cannot get this type. */
export function refuseUnsupportedType(type: KnownType, audience: Audience): void {
  if (audience === 'group' && !GROUP_TYPES.has(type)) {
    throw graphError('unsupportedMessageType', { details: `Messages of type ${type} cannot be sent to a group.` });
  }
  if (audience === 'individual' && type === 'pin') {
    throw graphError('unsupportedMessageType', { details: 'Messages can only be pinned in groups.' });
  }
}

export function parseContent(ctx: GraphContext, token: string, phoneNumberId: string, params: Params, audience: Audience): MessageContent {
  const type = messageType(params);
  refuseUnsupportedType(type, audience);
  switch (type) {
    case 'text':
      return parseText(objectParam(params, 'text'));
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
      return parseMedia(ctx, phoneNumberId, type, objectParam(params, type));
    case 'template':
      return parseTemplate(ctx, token, phoneNumberId, objectParam(params, 'template'), audience);
    default:
      objectParam(params, type);
      return { type: 'other', name: type };
  }
}

function parseText(text: Record<string, unknown>): MessageContent {
  const body = text.body;
  if (body === undefined) throw requiredParameter('text.body');
  if (typeof body !== 'string') throw parameterNotValid('text.body must be a string.');
  const length = [...body].length;
  if (length === 0 || length > TEXT_MAX) throw parameterNotValid(`text.body must be 1 to ${TEXT_MAX} characters long.`);
  const preview = text.preview_url;
  if (preview !== undefined && typeof preview !== 'boolean') throw parameterNotValid('text.preview_url must be a boolean.');
  return { type: 'text', body, previewUrl: preview === true };
}

function parseMedia(ctx: GraphContext, phoneNumberId: string, type: SendableMedia, media: Record<string, unknown>): MessageContent {
  const { id, link, caption, filename } = media;
  if (id === undefined && link === undefined) throw requiredParameter(`${type}.id or ${type}.link`);
  if (id !== undefined && link !== undefined) throw parameterNotValid(`Give ${type}.id or ${type}.link, not both.`);
  const content: Extract<MessageContent, { type: SendableMedia }> = { type };
  if (id !== undefined) {
    if (typeof id !== 'string') throw parameterNotValid(`${type}.id must be a string.`);
    requireMedia(ctx.media.get(id), id, phoneNumberId, type);
    content.mediaId = id;
  }
  if (link !== undefined) {
    if (typeof link !== 'string' || !isHttpUrl(link)) throw parameterNotValid(`${type}.link must be an http or https URL.`);
    content.link = link;
  }
  if (caption !== undefined) {
    if (type === 'audio') throw parameterNotValid('audio messages cannot have a caption.');
    if (typeof caption !== 'string' || [...caption].length > CAPTION_MAX) {
      throw parameterNotValid(`${type}.caption must be a string of at most ${CAPTION_MAX} characters.`);
    }
    content.caption = caption;
  }
  if (filename !== undefined) {
    if (type !== 'document') throw parameterNotValid('Only document messages can have a filename.');
    if (typeof filename !== 'string' || filename.length === 0 || [...filename].length > FILENAME_MAX) {
      throw parameterNotValid(`document.filename must be 1 to ${FILENAME_MAX} characters long.`);
    }
    content.filename = filename;
  }
  return content;
}

/** ASSUMPTION: an id another phone number uploaded, or of another kind, is refused at once (131009). */
function requireMedia(media: StoredMedia | undefined, id: string, phoneNumberId: string, type: MediaKind): void {
  if (!media || media.phoneNumberId !== phoneNumberId) throw parameterNotValid(`Media id ${id} was not found for this phone number.`);
  if (media.kind !== type) throw parameterNotValid(`Media id ${id} is of kind ${media.kind}, not ${type}.`);
}

function parseTemplate(ctx: GraphContext, token: string, phoneNumberId: string, template: Record<string, unknown>, audience: Audience): MessageContent {
  const { name, language, components } = template;
  if (name === undefined) throw requiredParameter('template.name');
  if (typeof name !== 'string' || name.length === 0) throw parameterNotValid('template.name must be a non-empty string.');
  const code = isObject(language) ? language.code : undefined;
  if (code === undefined) throw requiredParameter('template.language.code');
  if (typeof code !== 'string' || code.length === 0) throw parameterNotValid('template.language.code must be a non-empty string.');
  const category = templateCategory(name);
  if (audience === 'group' && category === 'authentication') {
    // ASSUMPTION: Meta names no code for it; the template (a parameter value) is what is refused.
    throw parameterNotValid('Authentication templates cannot be sent to groups.');
  }
  const invitesToGroups: string[] = [];
  if (components !== undefined) {
    if (!Array.isArray(components)) throw parameterNotValid('template.components must be an array.');
    for (const [i, component] of components.entries()) {
      if (!isObject(component) || typeof component.type !== 'string') {
        throw parameterNotValid(`template.components[${i}] must be an object with a type.`);
      }
      for (const parameter of parameters(component, i)) {
        if (parameter.type !== 'group_id') continue;
        invitesToGroups.push(inviteGroup(ctx, token, phoneNumberId, parameter.group_id));
      }
    }
  }
  return { type: 'template', name, languageCode: code, category, invitesToGroups };
}

function parameters(component: Record<string, unknown>, i: number): Record<string, unknown>[] {
  const list = component.parameters;
  if (list === undefined) return [];
  if (!Array.isArray(list) || !list.every((p) => isObject(p) && typeof p.type === 'string')) {
    throw parameterNotValid(`template.components[${i}].parameters must be an array of objects with a type.`);
  }
  return list as Record<string, unknown>[];
}

/**
 * A `{"type":"group_id","group_id":…}` body parameter becomes the group's invite link on delivery
 * (Groups reference). ASSUMPTION: only a group of the sending phone number may be named (131009).
 */
function inviteGroup(ctx: GraphContext, token: string, phoneNumberId: string, groupId: unknown): string {
  if (typeof groupId !== 'string' || groupId.length === 0) throw requiredParameter('group_id');
  const group = findVisibleGroup(ctx, token, groupId);
  if (!group || group.phoneNumberId !== phoneNumberId) {
    throw parameterNotValid(`group_id ${groupId} is not a group of this phone number.`);
  }
  return groupId;
}

/** An object parameter: JSON bodies give objects, form bodies JSON text. Throws 131008 when absent. */
export function objectParam(params: Params, name: string): Record<string, unknown> {
  const value = params.get(name);
  if (value === undefined) throw requiredParameter(name);
  if (isObject(value)) return value;
  if (typeof value === 'string') {
    try {
      const parsed: unknown = JSON.parse(value);
      if (isObject(parsed)) return parsed;
    } catch {
      // fall through
    }
  }
  throw parameterNotValid(`Param ${name} must be an object.`);
}

/** The optional object parameter, or undefined. */
export function optionalObjectParam(params: Params, name: string): Record<string, unknown> | undefined {
  return params.has(name) ? objectParam(params, name) : undefined;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
