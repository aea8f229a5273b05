import type { FileUpload } from 'graphql-upload-ts';
import { imageSize } from 'image-size';
import { GatewayError } from '../errors.js';
import { readUpload } from './read-upload.js';

/** API notes §1.4/§3: JPEG only, at most 5 MB (read as 5 MiB, as the sandbox does), square, at least 192×192. */
export const PROFILE_PICTURE_MAX_BYTES = 5 * 1024 * 1024;
export const PROFILE_PICTURE_MIN_SIDE = 192;
export const PROFILE_PICTURE_TYPE = 'image/jpeg';

const LABEL = 'profile picture';
/** SOI marker plus the first byte of the next marker: every JPEG starts with these. */
const JPEG_SIGNATURE = Buffer.from([0xff, 0xd8, 0xff]);

/** A picture that passed every rule: safe to send upstream. */
export interface ProfilePicture {
  bytes: Buffer;
  width: number;
  height: number;
}

/**
 * Reads the client's upload (stopping at 5 MiB) and checks it against the Graph API's rules, so that
 * a picture the Graph API would refuse never leaves the gateway.
 */
export async function readProfilePicture(upload: Promise<FileUpload>): Promise<ProfilePicture> {
  const bytes = await readUpload(upload, { maxBytes: PROFILE_PICTURE_MAX_BYTES, label: LABEL });
  return { bytes, ...checkProfilePicture(bytes) };
}

/**
 * The rules, in the order a client most wants to hear about them: JPEG (judged by the bytes, never
 * by the file name or the declared content type), dimensions readable from the JPEG header, square,
 * big enough. Size is the reader's job: it must be enforced while streaming, not after.
 */
export function checkProfilePicture(bytes: Buffer): { width: number; height: number } {
  if (!bytes.subarray(0, JPEG_SIGNATURE.length).equals(JPEG_SIGNATURE)) {
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

/** Width and height from the JPEG's frame header (image-size walks the markers to SOF0/1/2). */
function jpegDimensions(bytes: Buffer): { width: number; height: number } {
  try {
    const size = imageSize(ownMemory(bytes));
    if (size.type === 'jpg' && size.width > 0 && size.height > 0) return { width: size.width, height: size.height };
  } catch {
    // A truncated or corrupt marker sequence: reported below.
  }
  throw refuse(
    `The ${LABEL} starts like a JPEG but its dimensions could not be read from the JPEG header (truncated or corrupt file); upload a complete baseline or progressive JPEG`,
  );
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
