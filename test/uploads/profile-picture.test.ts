import { WriteStream, type FileUpload } from 'graphql-upload-ts';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/errors.js';
import { checkProfilePicture, readProfilePicture } from '../../src/uploads/profile-picture.js';
import { makeJpeg } from '../../support/jpeg.js';

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

describe('checking a spooled picture', () => {
  /** `count` APP1 segments of the largest size (what EXIF data and ICC profiles look like) after SOI. */
  function withLeadingSegments(jpeg: Buffer, count: number): Buffer {
    const segment = Buffer.concat([Buffer.from([0xff, 0xe1, 0xff, 0xff]), Buffer.alloc(0xffff - 2, 0x20)]);
    return Buffer.concat([jpeg.subarray(0, 2), ...Array.from({ length: count }, () => segment), jpeg.subarray(2)]);
  }

  async function check(bytes: Buffer) {
    const capacitor = new WriteStream();
    capacitor.end(bytes);
    const file = { capacitor } as unknown as FileUpload;
    try {
      const { width, height, file: blob } = await readProfilePicture(Promise.resolve(file));
      return { width, height, size: blob.size, sameBytes: Buffer.from(await blob.arrayBuffer()).equals(bytes) };
    } finally {
      capacitor.release();
    }
  }

  it('finds the frame header past the first 64 KiB (three 64 KiB segments before it), and keeps every byte', async () => {
    const jpeg = withLeadingSegments(makeJpeg(640, 640), 3);
    expect(await check(jpeg)).toEqual({ width: 640, height: 640, size: jpeg.length, sameBytes: true });
  });

  it('refuses, by its header, a 300×200 JPEG whose header is far in', async () => {
    await expect(check(withLeadingSegments(makeJpeg(300, 200), 2))).rejects.toThrow(
      'The profile picture must be square, at least 192×192 pixels; got 300×200 pixels',
    );
  });

  it('refuses a JPEG that ends before its frame header', async () => {
    await expect(check(withLeadingSegments(makeJpeg(640, 640), 2).subarray(0, 131_000))).rejects.toThrow(
      /^The profile picture starts like a JPEG but its dimensions could not be read/,
    );
  });
});
