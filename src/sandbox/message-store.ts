/**
 * What the emulated Meta remembers about messages: the ones sent and received (so replies
 * and pins can name them), each person's and each group's 24-hour customer service window
 * (opened when someone writes to the business; Meta's "Groups API pricing": in a group, any
 * member's message opens it for the whole group), and the people messages cannot reach.
 * Bounded: the oldest messages and windows are forgotten past a cap.
 */
import { randomBytes } from 'node:crypto';
import { participantKey } from './participants.js';

export interface StoredMessage {
  id: string;
  phoneNumberId: string;
  /** The group it was sent to or written in; undefined for 1:1 messages. */
  groupId?: string;
  direction: 'outbound' | 'inbound';
  /** `pin` operations get ids too, but they are not messages one can pin or reply to. */
  pinnable: boolean;
  /** The message it quotes (`context.message_id`). */
  replyTo?: string;
  /** Milliseconds since the epoch. */
  at: number;
}

/** Meta's customer service window: 24 hours from the user's last message. */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

/** ASSUMPTION: Meta keeps messages for good; the sandbox remembers the newest this many. */
const MAX_MESSAGES = 50_000;
const MAX_WINDOWS = 50_000;

/**
 * A number that is not on WhatsApp, always: sends to it fail with 131026 (sandbox only,
 * documented in docs/graph-api-facts.md). Others can be made undeliverable by the admin API.
 */
export const UNDELIVERABLE_WA_ID = '15550000026';

export class MessageStore {
  readonly #messages = new Map<string, StoredMessage>();
  /** `<phone number id>|<wa_id, BSUID or group:<group id>>` → when the person last wrote. */
  readonly #windows = new Map<string, number>();
  readonly #undeliverable = new Set<string>([UNDELIVERABLE_WA_ID]);

  /** A new `wamid.…` id (Meta's look base64; ASSUMPTION: their content is opaque). */
  newId(): string {
    return `wamid.${randomBytes(30).toString('base64')}`;
  }

  add(message: StoredMessage): StoredMessage {
    this.#messages.set(message.id, { ...message });
    if (this.#messages.size > MAX_MESSAGES) this.#messages.delete(this.#messages.keys().next().value!);
    return { ...message };
  }

  get(id: string): StoredMessage | undefined {
    const message = this.#messages.get(id);
    return message && { ...message };
  }

  /** `who`: a wa_id, a `+` phone number, a BSUID, or `group:<group id>`. */
  openWindow(phoneNumberId: string, who: string, at: number = Date.now()): void {
    const key = `${phoneNumberId}|${participantKey(who)}`;
    this.#windows.delete(key);
    this.#windows.set(key, at);
    if (this.#windows.size > MAX_WINDOWS) this.#windows.delete(this.#windows.keys().next().value!);
  }

  windowOpen(phoneNumberId: string, who: string, now: number = Date.now()): boolean {
    const at = this.#windows.get(`${phoneNumberId}|${participantKey(who)}`);
    return at !== undefined && now - at < SERVICE_WINDOW_MS;
  }

  setUndeliverable(who: string, undeliverable: boolean): void {
    if (undeliverable) this.#undeliverable.add(participantKey(who));
    else this.#undeliverable.delete(participantKey(who));
  }

  isUndeliverable(who: string): boolean {
    return this.#undeliverable.has(participantKey(who));
  }
}
