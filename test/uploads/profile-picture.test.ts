import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/errors.js';
import { checkProfilePicture } from '../../src/uploads/profile-picture.js';
import { makeJpeg } from '../sandbox/jpeg.js';

/** The first bytes of a PNG file: signature and IHDR with 256×256. */
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]),
  Buffer.from([0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x08, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
]);

function refusal(bytes: Buffer): { code: string; message: string } {
  try {
    checkProfilePicture(bytes);
  } catch (error) {
    if (error instanceof GatewayError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected the picture to be refused');
}

describe('profile picture rules', () => {
  it('accepts a square JPEG of 192×192 and of 640×640', () => {
    expect(checkProfilePicture(makeJpeg(192, 192))).toEqual({ width: 192, height: 192 });
    expect(checkProfilePicture(makeJpeg(640, 640))).toEqual({ width: 640, height: 640 });
  });

  it('refuses a PNG by its bytes, naming what it is and what is allowed', () => {
    expect(refusal(PNG)).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'The profile picture must be a JPEG image (image/jpeg); the upload is PNG data',
    });
  });

  it('refuses bytes that are no image at all, and an empty upload', () => {
    expect(refusal(Buffer.from('just some text, named picture.jpg')).message).toBe(
      'The profile picture must be a JPEG image (image/jpeg); the upload does not start with the JPEG signature FF D8 FF',
    );
    expect(refusal(Buffer.alloc(0)).message).toBe('The profile picture must be a JPEG image (image/jpeg); the upload is empty');
  });

  it('refuses a JPEG whose header holds no readable dimensions, even as a view into a larger buffer', () => {
    // The first 24 bytes stop inside the frame header; the bytes after them in memory must not count.
    const truncated = makeJpeg(256, 256).subarray(0, 24);
    expect(refusal(truncated)).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(refusal(truncated).message).toMatch(/^The profile picture starts like a JPEG but its dimensions could not be read from the JPEG header/);
  });

  it('refuses a 300×200 JPEG as not square, with the size it got', () => {
    expect(refusal(makeJpeg(300, 200))).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'The profile picture must be square, at least 192×192 pixels; got 300×200 pixels',
    });
  });

  it('refuses a 100×100 and a 191×191 JPEG as too small', () => {
    expect(refusal(makeJpeg(100, 100))).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'The profile picture must be at least 192×192 pixels; got 100×100 pixels',
    });
    expect(refusal(makeJpeg(191, 191)).message).toBe('The profile picture must be at least 192×192 pixels; got 191×191 pixels');
  });
});
