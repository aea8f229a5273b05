import { hkdfSync, randomBytes } from 'node:crypto';

/** What a key derived from the replicas' shared secret is used for (each use gets its own key). */
export type KeyPurpose = 'token-fingerprint' | 'event-mac';

/**
 * The secret every replica of one deployment shares, from which each use derives its own key
 * (HKDF-SHA256, the purpose as `info`): EVENTS_SIGNING_KEY when set, else WHATSAPP_APP_SECRET.
 * With neither, a random key made for this process: enough for one process (nothing it keys leaves
 * it), and config.ts refuses REDIS_URL without one of the two, since replicas with their own random
 * keys would reject each other's events and tell the same token apart.
 */
export class ReplicaKey {
  readonly #secret: Buffer;
  /** Where the secret came from (logged at start-up, never the secret). */
  readonly source: 'EVENTS_SIGNING_KEY' | 'WHATSAPP_APP_SECRET' | 'random per process';

  constructor({ eventsSigningKey, appSecret }: { eventsSigningKey?: string | undefined; appSecret?: string | undefined }) {
    const secret = eventsSigningKey ?? appSecret;
    this.source = eventsSigningKey ? 'EVENTS_SIGNING_KEY' : appSecret ? 'WHATSAPP_APP_SECRET' : 'random per process';
    this.#secret = secret ? Buffer.from(secret, 'utf8') : randomBytes(32);
  }

  keyFor(purpose: KeyPurpose): Buffer {
    return Buffer.from(hkdfSync('sha256', this.#secret, 'whatsapp-groups-gateway', purpose, 32));
  }
}
