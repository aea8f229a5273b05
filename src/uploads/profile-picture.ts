import type { FileUpload } from 'graphql-upload-ts';
import { imageSize } from 'image-size';
import { GatewayError } from '../errors.js';
import { readUpload } from './read-upload.js';

/** docs/graph-api-facts.md, "Limits": JPEG only, at most 5 MB (read as 5 MiB, as the sandbox does), square, at least 192×192. */
export const PROFILE_PICTURE_MAX_BYTES = 5 * 1024 * 1024;
export const PROFILE_PICTURE_MIN_SIDE = 192;
export const PROFILE_PICTURE_TYPE = 'image/jpeg';

const LABEL = 'profile picture';
/** SOI marker plus the first byte of the next marker: every JPEG starts with these. */
const JPEG_SIGNATURE = Buffer.from([0xff, 0xd8, 0xff]);

/** A picture that passed every rule: safe to send upstream. */
export interface ProfilePicture {
  /** The JPEG, typed image/jpeg, ready to be a multipart part: backed by the spooled file, not memory. */
  file: Blob;
  width: number;
  height: number;
}

/** How much of the file is read first to find the JPEG header; doubled while the header runs on. */
const HEADER_PROBE_BYTES = 64 * 1024;

/**
 * Checks the client's upload (at most 5 MiB, refused while streaming past that) against the Graph
 * API's rules, so that a picture the Graph API would refuse never leaves the gateway. Only the
 * file's first bytes are read, as far as the JPEG header goes; the picture itself stays on disk
 * until it is sent.
 */
export async function readProfilePicture(upload: Promise<FileUpload>): Promise<ProfilePicture> {
  const file = await readUpload(upload, { maxBytes: PROFILE_PICTURE_MAX_BYTES, label: LABEL, type: PROFILE_PICTURE_TYPE });
  return { file, ...(await checkProfilePictureFile(file)) };
}

/**
 * The rules of checkProfilePicture, applied to a file read from its start: 64 KiB holds the header
 * of nearly every JPEG, but EXIF thumbnails and ICC profiles come before the frame header and can
 * push it further, so the prefix doubles until the dimensions are readable or the file is read.
 */
async function checkProfilePictureFile(file: Blob): Promise<{ width: number; height: number }> {
  for (let length = HEADER_PROBE_BYTES; ; length *= 2) {
    const bytes = Buffer.from(await file.slice(0, length).arrayBuffer());
    if (bytes.length >= file.size || !isJpeg(bytes) || readableDimensions(bytes)) return checkProfilePicture(bytes);
  }
}

/**
 * The rules, in the order a client most wants to hear about them: JPEG (judged by the bytes, never
 * by the file name or the declared content type), dimensions readable from the JPEG header, square,
 * big enough. Size is the reader's job: it must be enforced while streaming, not after.
 */
export function checkProfilePicture(bytes: Buffer): { width: number; height: number } {
  if (!isJpeg(bytes)) {
    throw refuse(`The ${LABEL} must be a JPEG image (${PROFILE_PICTURE_TYPE}); ${describeNonJpeg(bytes)}`);
  }
  const { width, height } = jpegDimensions(bytes);
  if (width !== height) {
    throw refuse(
      `The ${LABEL} must be square, at least ${PROFILE_PICTURE_MIN_SIDE}×${PROFILE_PICTURE_MIN_SIDE} pixels; got ${width}×${height} pixels`,
    );
  }
  if (width < PROFILE_PICTURE_MIN_SIDE) {
    throw refuse(
      `The ${LABEL} must be at least ${PROFILE_PICTURE_MIN_SIDE}×${PROFILE_PICTURE_MIN_SIDE} pixels; got ${width}×${height} pixels`,
    );
  }
  return { width, height };
}

function isJpeg(bytes: Buffer): boolean {
  return bytes.subarray(0, JPEG_SIGNATURE.length).equals(JPEG_SIGNATURE);
}

/** Width and height from the JPEG's frame header (image-size walks the markers to SOF0/1/2). */
function jpegDimensions(bytes: Buffer): { width: number; height: number } {
  const size = readableDimensions(bytes);
  if (size) return size;
  throw refuse(
    `The ${LABEL} starts like a JPEG but its dimensions could not be read from the JPEG header (truncated or corrupt file); upload a complete baseline or progressive JPEG`,
  );
}

/** The JPEG's dimensions, or undefined when `bytes` end before its frame header or it is corrupt. */
function readableDimensions(bytes: Buffer): { width: number; height: number } | undefined {
  try {
    const size = imageSize(ownMemory(bytes));
    if (size.type === 'jpg' && size.width > 0 && size.height > 0) return { width: size.width, height: size.height };
  } catch {
    // A truncated or corrupt marker sequence.
  }
  return undefined;
}

function describeNonJpeg(bytes: Buffer): string {
  if (bytes.length === 0) return 'the upload is empty';
  try {
    const { type } = imageSize(ownMemory(bytes));
    if (type) return `the upload is ${type.toUpperCase()} data`;
  } catch {
    // Not an image format image-size knows.
  }
  return 'the upload does not start with the JPEG signature FF D8 FF';
}

/**
 * image-size reads through `new DataView(input.buffer, input.byteOffset + offset)` with no end, so
 * on a view into a larger ArrayBuffer (Node's 8 KiB pool holds every small Buffer) a truncated file
 * is measured with whatever bytes follow it in memory. Give it bytes that own their ArrayBuffer.
 */
function ownMemory(bytes: Buffer): Buffer {
  if (bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.length) return bytes;
  const copy = Buffer.alloc(bytes.length); // Buffer.alloc never uses the pool.
  bytes.copy(copy);
  return copy;
}

function refuse(message: string): GatewayError {
  return new GatewayError('BAD_USER_INPUT', message);
}
