import { WriteStream, type FileUpload } from 'graphql-upload-ts';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/errors.js';
import { readUpload } from '../../src/uploads/read-upload.js';

const KiB = 1024;
const OPTIONS = { maxBytes: 64 * KiB, label: 'profile picture', type: 'image/jpeg' };

/** graphql-upload-ts rejects with http-errors objects: an Error with a `status`. */
function createError(status: number, message: string): Error {
  return Object.assign(new Error(message), { status });
}

/** A real fs-capacitor spool (a temp file), as graphql-upload-ts makes one per file part. */
function spooledUpload(): { upload: Promise<FileUpload>; capacitor: WriteStream } {
  const capacitor = new WriteStream();
  capacitor.on('error', () => undefined); // the parser listens too
  const file = { filename: 'picture.jpg', fieldName: '0', mimetype: 'image/jpeg', encoding: '7bit', capacitor } as unknown as FileUpload;
  return { upload: Promise.resolve(file), capacitor };
}

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof GatewayError)) throw new Error(`expected a GatewayError, got ${String(error)}`);
  return { code: error.code, message: error.message };
}

describe('reading a spooled upload', () => {
  it('waits until the whole file is spooled, and returns it as a Blob of the spooled bytes', async () => {
    const { upload, capacitor } = spooledUpload();
    const reading = readUpload(upload, OPTIONS);
    const bytes = Buffer.alloc(48 * KiB, 7);
    capacitor.write(bytes.subarray(0, 16 * KiB));
    await new Promise((resolve) => setTimeout(resolve, 50));
    capacitor.end(bytes.subarray(16 * KiB));
    const blob = await reading;
    expect({ size: blob.size, type: blob.type }).toEqual({ size: 48 * KiB, type: 'image/jpeg' });
    expect(Buffer.from(await blob.arrayBuffer()).equals(bytes)).toBe(true);
    capacitor.release();
  });

  it("turns the parser's own 413 (file truncated at the limit) into the too-large refusal", async () => {
    const { upload, capacitor } = spooledUpload();
    const reading = readUpload(upload, OPTIONS);
    capacitor.write(Buffer.alloc(KiB));
    capacitor.destroy(createError(413, 'File truncated as it exceeds the 65537 byte size limit.'));
    expect(await refusal(reading)).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'The profile picture is too large: at most 65536 bytes (65536 bytes) is allowed; reading stopped at that limit',
    });
  });

  it('refuses a spooled file over the limit even if the parser let it through', async () => {
    const { upload, capacitor } = spooledUpload();
    capacitor.end(Buffer.alloc(64 * KiB + 1));
    expect(await refusal(readUpload(upload, OPTIONS))).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/^The profile picture is too large/) });
    capacitor.release();
  });

  it('a file part missing from the request is BAD_USER_INPUT', async () => {
    const missing = Promise.reject(createError(400, 'File missing in the request.'));
    expect(await refusal(readUpload(missing, OPTIONS))).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'The profile picture upload is missing from the multipart request: send it as the file part the `map` field names',
    });
  });

  it('a client gone mid-file (499, or the spool released early) is BAD_USER_INPUT, asking to send again', async () => {
    const { upload, capacitor } = spooledUpload();
    const reading = readUpload(upload, OPTIONS);
    capacitor.write(Buffer.alloc(KiB));
    capacitor.destroy(createError(499, 'Request disconnected during file upload stream parsing.'));
    expect(await refusal(reading)).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'The profile picture upload could not be read to the end (the request was interrupted); send it again',
    });
    const released = spooledUpload();
    const readingReleased = readUpload(released.upload, OPTIONS);
    released.capacitor.write(Buffer.alloc(KiB));
    released.capacitor.release();
    expect((await refusal(readingReleased)).message).toMatch(/could not be read to the end/);
  });

  it('a failure of the gateway itself (the temp file) is not blamed on the client', async () => {
    const { upload, capacitor } = spooledUpload();
    const reading = readUpload(upload, OPTIONS);
    capacitor.destroy(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
    const error = await reading.catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(GatewayError);
    expect((error as { code?: string }).code).toBe('ENOSPC');
  });
});
