import { openAsBlob } from 'node:fs';
import { finished } from 'node:stream/promises';
import type { FileUpload } from 'graphql-upload-ts';
import { GatewayError } from '../errors.js';

export interface ReadUploadOptions {
  /** The most bytes the file may have: past this the upload is refused. */
  maxBytes: number;
  /** What the file is, for messages: "profile picture". */
  label: string;
  /** The MIME type the returned Blob carries. */
  type: string;
  /**
   * Checked as soon as the file's part headers arrive, before its bytes are waited for (its
   * declared MIME type, say): a throw refuses the upload at once.
   */
  accept?: (file: FileUpload) => void;
  /**
   * Also stop spooling as soon as the file passes `maxBytes` (when that is below the parser's own
   * limit, which is the largest of every use's).
   */
  stopPastLimit?: boolean;
}

/**
 * Waits until graphql-upload-ts has spooled the whole file to its temp file, then returns that file
 * as a file-backed Blob (`fs.openAsBlob`): nothing is read into memory here, and whoever reads the
 * Blob (the header check, undici sending it upstream) streams it from disk. The parser stops
 * spooling past `maxBytes` (busboy `fileSize`) and fails the file with a 413, which becomes the
 * "too large" refusal; so do a missing or interrupted file (BAD_USER_INPUT).
 *
 * The Blob is valid while the request is: the parser removes the temp file when the response closes.
 */
export async function readUpload(upload: Promise<FileUpload>, { maxBytes, label, type, accept, stopPastLimit }: ReadUploadOptions): Promise<Blob> {
  try {
    const file = await upload;
    accept?.(file);
    if (stopPastLimit) stopSpoolingPast(file, maxBytes, label);
    // 'finish': every byte is on disk. An error (the size limit, a client gone) rejects.
    await finished(file.capacitor);
    const blob = await openAsBlob(spoolPath(file), { type });
    if (blob.size > maxBytes) throw tooLarge(maxBytes, label);
    return blob;
  } catch (error) {
    throw uploadFailure(error, maxBytes, label);
  }
}

/**
 * Fails the spool (graphql-upload-ts then drains the rest of the part unread) once more than
 * `maxBytes` are written: fs-capacitor's WriteStream emits `write` after each chunk reaches the disk
 * and keeps the bytes written in its private `_pos` (pinned like `_path`, see spoolPath).
 */
function stopSpoolingPast(file: FileUpload, maxBytes: number, label: string): void {
  const capacitor = file.capacitor as unknown as { _pos?: unknown; on(event: 'write', listener: () => void): unknown; off(event: 'write', listener: () => void): unknown; destroy(error: Error): unknown };
  const check = () => {
    if (typeof capacitor._pos === 'number' && capacitor._pos > maxBytes) {
      capacitor.off('write', check);
      capacitor.destroy(tooLarge(maxBytes, label));
    }
  };
  capacitor.on('write', check);
  check();
}

/**
 * The temp file's path. fs-capacitor keeps it in a private field (its public API is read streams,
 * which would copy the file through memory); graphql-upload-ts pins that fs-capacitor copy, and the
 * upload tests fail if a new version moves it.
 */
function spoolPath(file: FileUpload): string {
  const path = (file.capacitor as unknown as { _path?: unknown })._path;
  if (typeof path !== 'string') throw new Error('graphql-upload-ts: the spooled upload has no temp file path (fs-capacitor changed?)');
  return path;
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
  // 499: the parser saw the client go; a premature close: the spool was released mid-file.
  if (status === 499 || (error as { code?: unknown } | null)?.code === 'ERR_STREAM_PREMATURE_CLOSE') {
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
