/**
 * Uploaded media (Cloud API "Media": `POST /{phone-number-id}/media` gives an id that messages
 * then name): the supported MIME types with their size limits, and what the emulated Meta
 * keeps of each upload. It keeps the facts (type, size, sha256), never the bytes, so memory
 * stays bounded whatever is uploaded.
 */
import { randomDigits, cryptoRandom } from './random.js';

export type MediaKind = 'image' | 'video' | 'audio' | 'document' | 'sticker';

const MiB = 1024 * 1024;

/**
 * Meta's supported media types and limits: image JPEG/PNG 5 MB; video MP4/3GPP 16 MB; audio
 * AAC/AMR/MP3/M4A/OGG-Opus 16 MB; documents 100 MB; stickers WebP (500 KB animated).
 * ASSUMPTION: MB are binary (MiB), as for the profile picture.
 */
export const MEDIA_TYPES: Readonly<Record<string, { kind: MediaKind; maxBytes: number }>> = {
  'image/jpeg': { kind: 'image', maxBytes: 5 * MiB },
  'image/png': { kind: 'image', maxBytes: 5 * MiB },
  'video/mp4': { kind: 'video', maxBytes: 16 * MiB },
  'video/3gpp': { kind: 'video', maxBytes: 16 * MiB },
  'audio/aac': { kind: 'audio', maxBytes: 16 * MiB },
  'audio/amr': { kind: 'audio', maxBytes: 16 * MiB },
  'audio/mpeg': { kind: 'audio', maxBytes: 16 * MiB },
  'audio/mp4': { kind: 'audio', maxBytes: 16 * MiB },
  'audio/ogg': { kind: 'audio', maxBytes: 16 * MiB },
  'text/plain': { kind: 'document', maxBytes: 100 * MiB },
  'application/pdf': { kind: 'document', maxBytes: 100 * MiB },
  'application/msword': { kind: 'document', maxBytes: 100 * MiB },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { kind: 'document', maxBytes: 100 * MiB },
  'application/vnd.ms-excel': { kind: 'document', maxBytes: 100 * MiB },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { kind: 'document', maxBytes: 100 * MiB },
  'application/vnd.ms-powerpoint': { kind: 'document', maxBytes: 100 * MiB },
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': { kind: 'document', maxBytes: 100 * MiB },
  'image/webp': { kind: 'sticker', maxBytes: 500 * 1024 },
};

/** The largest file any media type allows: what the upload body reader accepts. */
export const MEDIA_MAX_BYTES = Math.max(...Object.values(MEDIA_TYPES).map((t) => t.maxBytes));

export interface StoredMedia {
  id: string;
  /** The business phone number that uploaded it (or received it from a user). */
  phoneNumberId: string;
  mimeType: string;
  kind: MediaKind;
  size: number;
  sha256: string;
  /** Milliseconds since the epoch. */
  at: number;
}

/** ASSUMPTION: Meta keeps uploads 30 days; the sandbox remembers the newest this many. */
const MAX_MEDIA = 10_000;

export class MediaStore {
  readonly #media = new Map<string, StoredMedia>();

  /** Media ids are numeric strings, like Meta's (`1037543291543636`). */
  add(input: Omit<StoredMedia, 'id' | 'at' | 'kind'>): StoredMedia {
    const type = MEDIA_TYPES[input.mimeType];
    if (!type) throw new RangeError(`unsupported media type ${input.mimeType}`);
    const media: StoredMedia = { ...input, id: `1${randomDigits(cryptoRandom, 15)}`, kind: type.kind, at: Date.now() };
    this.#media.set(media.id, media);
    if (this.#media.size > MAX_MEDIA) this.#media.delete(this.#media.keys().next().value!);
    return { ...media };
  }

  get(id: string): StoredMedia | undefined {
    const media = this.#media.get(id);
    return media && { ...media };
  }
}
