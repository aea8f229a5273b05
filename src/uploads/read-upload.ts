import type { FileUpload } from 'graphql-upload-ts';
import { GatewayError } from '../errors.js';

export interface ReadUploadOptions {
  /** The most bytes the file may have: reading stops, and the upload is refused, past this. */
  maxBytes: number;
  /** What the file is, for messages: "profile picture". */
  label: string;
}

/**
 * Reads one uploaded file into memory, counting while it streams: past `maxBytes` it stops reading
 * and refuses the upload, so at most `maxBytes` (plus one chunk) is ever held, whatever the client
 * sends. Every way an upload can fail here is the caller's doing: BAD_USER_INPUT.
 *
 * graphql-upload-ts enforces the same limit in its parser (busboy `fileSize`): a file that
 * overflows it errors the stream with a 413, which lands in the same "too large" message.
 */
export async function readUpload(upload: Promise<FileUpload>, { maxBytes, label }: ReadUploadOptions): Promise<Buffer> {
  let file: FileUpload;
  try {
    file = await upload;
  } catch (error) {
    throw uploadFailure(error, maxBytes, label);
  }

  const chunks: Buffer[] = [];
  let total = 0;
  let stream: ReturnType<FileUpload['createReadStream']> | undefined;
  try {
    stream = file.createReadStream({ highWaterMark: 64 * 1024 });
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) throw tooLarge(maxBytes, label);
      chunks.push(chunk);
    }
  } catch (error) {
    throw uploadFailure(error, maxBytes, label);
  } finally {
    // Stops the read at once (the async iterator destroys it on break/throw; this covers the rest).
    stream?.destroy();
  }
  return Buffer.concat(chunks, total);
}

function uploadFailure(error: unknown, maxBytes: number, label: string): GatewayError {
  if (error instanceof GatewayError) return error;
  // graphql-upload-ts rejects with http-errors objects: 413 for a file over the limit, 400 for a
  // file missing from the request, 499 when the client went away mid-upload.
  const status = (error as { status?: unknown } | null)?.status;
  if (status === 413) return tooLarge(maxBytes, label);
  if (status === 400) {
    return new GatewayError('BAD_USER_INPUT', `The ${label} upload is missing from the multipart request: send it as the file part the \`map\` field names`);
  }
  return new GatewayError('BAD_USER_INPUT', `The ${label} upload could not be read to the end (the request was interrupted); send it again`);
}

export function tooLarge(maxBytes: number, label: string): GatewayError {
  return new GatewayError(
    'BAD_USER_INPUT',
    `The ${label} is too large: at most ${formatBytes(maxBytes)} (${maxBytes} bytes) is allowed; reading stopped at that limit`,
  );
}

/** 5242880 → "5 MiB"; other sizes in bytes. */
export function formatBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return Number.isInteger(mib) ? `${mib} MiB` : `${bytes} bytes`;
}
