import type { FileUpload } from 'graphql-upload-ts';
import { GatewayError } from '../errors.js';
import type { MediaType } from '../graph/message-sends.js';
import { formatBytes, readUpload } from './read-upload.js';

const MiB = 1024 * 1024;

/**
 * What the Graph API accepts per media type (Cloud API "Supported media types"; notes §1.10):
 * image JPEG/PNG 5 MB, video MP4/3GPP 16 MB, audio AAC/AMR/MP3/M4A/OGG-Opus 16 MB, document 100 MB.
 * MB read as MiB, as for the profile picture.
 * ASSUMPTION: the document MIME list is Meta's supported-types table (text, PDF, Office formats).
 */
export const MEDIA_RULES: Readonly<Record<MediaType, { maxBytes: number; mimeTypes: readonly string[] }>> = {
  image: { maxBytes: 5 * MiB, mimeTypes: ['image/jpeg', 'image/png'] },
  video: { maxBytes: 16 * MiB, mimeTypes: ['video/mp4', 'video/3gpp'] },
  audio: { maxBytes: 16 * MiB, mimeTypes: ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'] },
  document: {
    maxBytes: 100 * MiB,
    mimeTypes: [
      'text/plain',
      'application/pdf',
      'application/msword',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/vnd.ms-excel',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/vnd.ms-powerpoint',
      'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    ],
  },
};

/** A checked media file, ready to be the `file` part of `POST /{phone-number-id}/media`. */
export interface MediaFile {
  /** Backed by the spooled upload (`fs.openAsBlob`), typed with `mimeType`. */
  file: Blob;
  mimeType: string;
  filename: string;
}

/** Signatures of the image types: the declared type must match the bytes. */
const IMAGE_SIGNATURES: Record<string, Buffer> = {
  'image/jpeg': Buffer.from([0xff, 0xd8, 0xff]),
  'image/png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
};

/**
 * Reads a media upload for `type`: its declared MIME type is checked as soon as the part's headers
 * arrive, its size while it is spooled (stopping at the smaller of the type's Graph limit and
 * MAX_MEDIA_UPLOAD_BYTES), and an image's first bytes against its declared type. Anything wrong is
 * BAD_USER_INPUT, and nothing has gone upstream.
 */
export async function readMediaFile(upload: Promise<FileUpload>, type: MediaType, maxMediaBytes: number): Promise<MediaFile> {
  const rules = MEDIA_RULES[type];
  const maxBytes = Math.min(rules.maxBytes, maxMediaBytes);
  const label = `${type} upload`;
  let mimeType = '';
  let filename = '';
  const file = await readUpload(upload, {
    maxBytes,
    label: maxBytes < rules.maxBytes ? `${label} (MAX_MEDIA_UPLOAD_BYTES ${formatBytes(maxBytes)})` : label,
    type: 'application/octet-stream',
    stopPastLimit: true,
    accept: (part) => {
      mimeType = essence(part.mimetype);
      filename = part.filename;
      if (!rules.mimeTypes.includes(mimeType)) {
        throw new GatewayError(
          'BAD_USER_INPUT',
          `The ${label} is ${mimeType ? `of type ${mimeType}` : 'without a content type'}; a ${type} may be ${rules.mimeTypes.join(', ')}`,
        );
      }
    },
  });
  if (file.size === 0) throw new GatewayError('BAD_USER_INPUT', `The ${label} is empty`);
  const signature = IMAGE_SIGNATURES[mimeType];
  if (signature) {
    const head = Buffer.from(await file.slice(0, signature.length).arrayBuffer());
    if (!head.equals(signature)) throw new GatewayError('BAD_USER_INPUT', `The ${label} is declared ${mimeType} but its bytes are not a ${mimeType.slice(6).toUpperCase()} image`);
  }
  return { file: file.slice(0, file.size, mimeType), mimeType, filename: filename || `${type}` };
}

/** `Audio/OGG; codecs=opus` → `audio/ogg`. */
function essence(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}
