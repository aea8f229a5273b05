/**
 * Group profile picture rules (Groups reference, "Update group settings"): JPEG only, ≤ 5 MB, square, at least 192×192.
 */
import { createHash } from 'node:crypto';
import { imageSize } from 'image-size';
import type { UploadedFile } from './body.js';
import { PICTURE_MAX_BYTES } from './body.js';
import { graphError, invalidParameter } from './graph-errors.js';
import type { PictureInfo } from './store.js';

const MIN_SIDE = 192;
const JPEG_MAGIC = Buffer.from([0xff, 0xd8, 0xff]);

/** Checks in this order: size, type, dimensions readable, square (131209), big enough (131210). */
export function validatePicture(file: UploadedFile): PictureInfo {
  if (file.truncated || file.data.length > PICTURE_MAX_BYTES) {
    // ASSUMPTION: Meta gives the limit, not its error code.
    throw invalidParameter(`The profile picture must be at most ${PICTURE_MAX_BYTES} bytes.`);
  }
  if (!file.data.subarray(0, 3).equals(JPEG_MAGIC)) {
    // ASSUMPTION: judged by magic bytes, not the declared part type; the code is undocumented.
    throw invalidParameter('The profile picture must be a JPEG image (image/jpeg).');
  }
  const { width, height } = jpegDimensions(file.data);
  if (width !== height) throw graphError('pictureAspectRatio');
  if (width < MIN_SIDE) throw graphError('pictureTooSmall');
  return {
    size: file.data.length,
    sha256: createHash('sha256').update(file.data).digest('hex'),
    width,
    height,
    mimeType: 'image/jpeg',
  };
}

function jpegDimensions(data: Buffer): { width: number; height: number } {
  try {
    const size = imageSize(data);
    if (size.type === 'jpg' && size.width > 0 && size.height > 0) return { width: size.width, height: size.height };
  } catch {
    // fall through: unreadable JPEG
  }
  throw invalidParameter('The profile picture could not be read as a JPEG image.');
}
