/**
 * Delivers the sandbox's webhooks as Meta does: the change wrapped in Meta's envelope, non-ASCII
 * escaped as `\uXXXX`, signed with `X-Hub-Signature-256: sha256=HMAC-SHA256(app secret, body)`,
 * POSTed after a short delay, and sent again (a few times, backing off) until answered 200.
 * Uses Node's own fetch: the sandbox shares no code with the gateway's upstream client.
 */
import { createHmac } from 'node:crypto';
import type { WebhookField, WebhookSink } from './webhook-sink.js';

/** The emulated WhatsApp Business Account the demo number belongs to (entry[].id). */
export const SANDBOX_WABA_ID = '102290129340398';

export interface WebhookDeliveryOptions {
  appSecret: string;
  /** The gateway's `/webhooks/whatsapp` URL; may be set later (the gateway listens after the sandbox). */
  target?: string;
  /** ASSUMPTION: Meta sends a write's webhook within seconds; the sandbox waits this long (default 200 ms). */
  delayMs?: number;
  /** Attempts per delivery (default 4): Meta retries for days, the sandbox only briefly. */
  attempts?: number;
  /** Display number in `metadata` (default a 555 test number). */
  displayPhoneNumber?: string;
  logger?: { info(obj: object, msg?: string): void };
}

export class WebhookDelivery implements WebhookSink {
  target: string | undefined;
  readonly #options: Required<Omit<WebhookDeliveryOptions, 'target' | 'logger'>> & Pick<WebhookDeliveryOptions, 'logger'>;
  readonly #pending = new Set<Promise<void>>();
  readonly #stop = new AbortController();

  constructor({ target, ...options }: WebhookDeliveryOptions) {
    this.target = target;
    this.#options = { delayMs: 200, attempts: 4, displayPhoneNumber: '15550100199', ...options };
  }

  notify(field: WebhookField, phoneNumberId: string, item: Record<string, unknown>): void {
    const delivery = this.#deliver(field, phoneNumberId, item).finally(() => this.#pending.delete(delivery));
    this.#pending.add(delivery);
  }

  /** Resolves when every delivery started so far has succeeded or given up. */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  /** Drops deliveries still waiting. */
  close(): void {
    this.#stop.abort();
  }

  async #deliver(field: WebhookField, phoneNumberId: string, item: Record<string, unknown>): Promise<void> {
    const body = metaJson({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: SANDBOX_WABA_ID,
          changes: [
            {
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: this.#options.displayPhoneNumber, phone_number_id: phoneNumberId },
                ...(field === 'messages' ? item : { groups: [item] }),
              },
              field,
            },
          ],
        },
      ],
    });
    const signature = `sha256=${createHmac('sha256', this.#options.appSecret).update(body).digest('hex')}`;
    let wait = this.#options.delayMs;
    for (let attempt = 1; attempt <= this.#options.attempts; attempt++) {
      if (!(await this.#sleep(wait))) return;
      const target = this.target;
      if (target) {
        const status = await fetch(target, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
          body,
          signal: this.#stop.signal,
        }).then(
          async (response) => (await response.arrayBuffer(), response.status),
          () => 0,
        );
        if (status === 200) return;
        this.#options.logger?.info({ field, status, attempt }, 'sandbox webhook not accepted; will retry');
      }
      wait = Math.max(wait, 100) * 3;
    }
  }

  #sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      if (this.#stop.signal.aborted) return resolve(false);
      const timer = setTimeout(() => resolve(true), ms);
      this.#stop.signal.addEventListener('abort', () => (clearTimeout(timer), resolve(false)), { once: true });
    });
  }
}

/** JSON as Meta sends it: non-ASCII characters escaped (`\u00e4`), so the signed bytes are ASCII. */
export function metaJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
