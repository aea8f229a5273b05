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
 * and refuses the upload. Refusals (too large, missing, interrupted) are BAD_USER_INPUT.
 *
 * Two passes over graphql-upload-ts's temp-file spool (each `createReadStream()` starts from the
 * beginning): the first only counts, keeping nothing, and the second copies into one buffer of
 * exactly that size. So a refused upload costs no memory, and an accepted one costs its own size
 * once, never a list of chunks plus the joined copy. The parser enforces the same limit (busboy
 * `fileSize`): a file that overflows it errors the stream with a 413, the same "too large" refusal.
 */
export async function readUpload(upload: Promise<FileUpload>, { maxBytes, label }: ReadUploadOptions): Promise<Buffer<ArrayBuffer>> {
  let file: FileUpload;
  try {
    file = await upload;
  } catch (error) {
    throw uploadFailure(error, maxBytes, label);
  }
  try {
    const size = await measure(file, maxBytes, label);
    // Buffer.alloc: memory of its own (never Node's shared pool), which image-size relies on.
    const bytes = Buffer.alloc(size);
    let offset = 0;
    await eachChunk(file, (chunk) => {
      if (offset + chunk.length > size) throw tooLarge(maxBytes, label);
      offset += chunk.copy(bytes, offset);
    });
    return bytes;
  } catch (error) {
    throw uploadFailure(error, maxBytes, label);
  }
}

/** First pass: the file's size, or a refusal as soon as it passes `maxBytes`. */
async function measure(file: FileUpload, maxBytes: number, label: string): Promise<number> {
  let size = 0;
  await eachChunk(file, (chunk) => {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge(maxBytes, label);
  });
  return size;
}

/** Streams the file from its start; throwing from `onChunk` stops and destroys the read at once. */
async function eachChunk(file: FileUpload, onChunk: (chunk: Buffer) => void): Promise<void> {
  const stream = file.createReadStream({ highWaterMark: 64 * 1024 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) onChunk(chunk);
  } finally {
    stream.destroy();
  }
}

/**
 * graphql-upload-ts rejects with http-errors objects: 413 for a file over the limit, 400 for a file
 * missing from the request, 499 when the client went away mid-upload. Anything else (the temp
 * file's disk failing) is the gateway's own fault and stays unexpected, so it is masked and logged.
 */
function uploadFailure(error: unknown, maxBytes: number, label: string): unknown {
  if (error instanceof GatewayError) return error;
  const status = (error as { status?: unknown } | null)?.status;
  if (status === 413) return tooLarge(maxBytes, label);
  if (status === 400) {
    return new GatewayError('BAD_USER_INPUT', `The ${label} upload is missing from the multipart request: send it as the file part the \`map\` field names`);
  }
  if (status === 499) {
    return new GatewayError('BAD_USER_INPUT', `The ${label} upload could not be read to the end (the request was interrupted); send it again`);
  }
  return error;
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
