import type { GraphClient, GraphCredentials } from './client.js';
import { UpstreamError } from './errors.js';
import type { GraphRoute } from './route.js';

/**
 * Sending messages: `POST /{v}/{phone-number-id}/messages` (Meta, "Groups API", sending group
 * messages, and Cloud API "Messages"). Every body carries `messaging_product: whatsapp`; inputs
 * arrive already validated; a send is never retried (a repeat would post twice).
 */

/** The content types a group may receive: text, media by id or link, text/media-based templates. */
export type MessageContent =
  | { type: 'text'; text: { body: string; preview_url: boolean } }
  | { type: MediaType; media: MediaReference }
  | { type: 'template'; template: TemplateContent };

export type MediaType = 'image' | 'video' | 'audio' | 'document';

/** Exactly one of `id` (an uploaded media) and `link`; `caption` except audio, `filename` only for documents. */
export interface MediaReference {
  id?: string;
  link?: string;
  caption?: string;
  filename?: string;
}

export interface TemplateContent {
  name: string;
  language: { code: string };
  components?: unknown[];
}

/** A pin or an unpin of a group message (`type: "pin"`); `expiration_days` only to pin. */
export interface PinChange {
  type: 'pin' | 'unpin';
  message_id: string;
  expiration_days?: number;
}

export class MessageSender {
  constructor(
    private readonly client: GraphClient,
    private readonly credentials: GraphCredentials,
  ) {}

  /** A message to a group (`recipient_type: group`, `to`: the group id); resolves with its `wamid`. */
  sendToGroup(phoneNumberId: string, groupId: string, content: MessageContent, replyToMessageId?: string): Promise<string> {
    return this.send(phoneNumberId, {
      recipient_type: 'group',
      to: groupId,
      ...(replyToMessageId ? { context: { message_id: replyToMessageId } } : {}),
      ...bodyOf(content),
    }, { groupId });
  }

  /**
   * The group's invite link to one person: a template whose body parameter
   * `{"type":"group_id","group_id":…}` Meta turns into the link on delivery (notes §1.10), sent to
   * an individual (a phone number or a BSUID).
   */
  sendInviteLink(phoneNumberId: string, groupId: string, to: string, template: { name: string; languageCode: string }): Promise<string> {
    return this.send(phoneNumberId, {
      recipient_type: 'individual',
      to,
      type: 'template',
      template: {
        name: template.name,
        language: { code: template.languageCode },
        components: [{ type: 'body', parameters: [{ type: 'group_id', group_id: groupId }] }],
      },
      // A message to one person, not to the group: Meta throttles it per business–recipient pair (131056).
    }, { recipient: to });
  }

  /** Pins or unpins a group message; admin only, at most 3 pinned (the oldest is unpinned upstream). */
  changePin(phoneNumberId: string, groupId: string, pin: PinChange): Promise<string> {
    return this.send(phoneNumberId, { recipient_type: 'group', to: groupId, type: 'pin', pin }, { groupId });
  }

  /** Every send is `messages.send` (metrics label it `messages`), with the group or the one person it goes to. */
  private async send(phoneNumberId: string, message: Record<string, unknown>, to: Pick<GraphRoute, 'groupId' | 'recipient'>): Promise<string> {
    const answer = await this.client.call(
      {
        method: 'POST',
        path: `/${encodeURIComponent(phoneNumberId)}/messages`,
        route: { kind: 'messages.send', template: '/{phone-number-id}/messages', phoneNumberId, ...to },
        body: { json: { messaging_product: 'whatsapp', ...message } },
      },
      this.credentials,
    );
    return messageIdOf(answer);
  }
}

function bodyOf(content: MessageContent): Record<string, unknown> {
  switch (content.type) {
    case 'text':
      return { type: 'text', text: content.text };
    case 'template':
      return { type: 'template', template: content.template };
    default:
      return { type: content.type, [content.type]: content.media };
  }
}

/** `{"messaging_product":"whatsapp","contacts":[…],"messages":[{"id":"wamid…"}]}` → the wamid. */
function messageIdOf(answer: unknown): string {
  const messages = (answer as { messages?: unknown } | null)?.messages;
  const id = Array.isArray(messages) ? (messages[0] as { id?: unknown } | undefined)?.id : undefined;
  if (typeof id !== 'string' || id.length === 0) {
    throw new UpstreamError('UPSTREAM_ERROR', 'The Graph API accepted the message without answering its id (`messages[0].id`)');
  }
  return id;
}
