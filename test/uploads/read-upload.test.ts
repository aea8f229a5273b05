import { Readable } from 'node:stream';
import type { FileUpload } from 'graphql-upload-ts';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/errors.js';
import { readUpload } from '../../src/uploads/read-upload.js';

const KiB = 1024;

/** graphql-upload-ts rejects with http-errors objects: an Error with a `status`. */
function createError(status: number, message: string): Error {
  return Object.assign(new Error(message), { status });
}

/** A FileUpload whose stream yields `chunks` chunks of `chunkSize` bytes, counting how many were pulled. */
function fakeUpload(chunks: number, chunkSize = 16 * KiB) {
  const pulled = { count: 0, stream: undefined as Readable | undefined };
  const file = {
    filename: 'picture.jpg',
    fieldName: '0',
    mimetype: 'image/jpeg',
    encoding: '7bit',
    createReadStream() {
      const stream = Readable.from(
        (function* () {
          for (let i = 0; i < chunks; i++) {
            pulled.count++;
            yield Buffer.alloc(chunkSize, i % 256);
          }
        })(),
      );
      pulled.stream = stream;
      return stream;
    },
  } as unknown as FileUpload;
  return { upload: Promise.resolve(file), pulled };
}

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof GatewayError)) throw new Error(`expected a GatewayError, got ${String(error)}`);
  return { code: error.code, message: error.message };
}

describe('reading an upload with a cap', () => {
  it('returns every byte of a file within the cap', async () => {
    const { upload } = fakeUpload(4);
    const bytes = await readUpload(upload, { maxBytes: 64 * KiB, label: 'profile picture' });
    expect(bytes.length).toBe(64 * KiB);
    expect(bytes[16 * KiB]).toBe(1);
  });

  it('stops reading at the cap instead of draining the whole file', async () => {
    // 100 MiB offered; the cap is 5 MiB: the reader must stop one chunk past it.
    const { upload, pulled } = fakeUpload(6400);
    expect(await refusal(readUpload(upload, { maxBytes: 5 * 1024 * KiB, label: 'profile picture' }))).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'The profile picture is too large: at most 5 MiB (5242880 bytes) is allowed; reading stopped at that limit',
    });
    expect(pulled.count).toBeLessThanOrEqual(5 * 64 + 2);
    expect(pulled.stream?.destroyed).toBe(true);
  });

  it("turns the parser's own 413 (file truncated) into the same refusal", async () => {
    const file = {
      createReadStream() {
        throw createError(413, 'File truncated as it exceeds the 5242880 byte size limit.');
      },
    } as unknown as FileUpload;
    expect(await refusal(readUpload(Promise.resolve(file), { maxBytes: 5 * 1024 * KiB, label: 'profile picture' }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringMatching(/^The profile picture is too large: at most 5 MiB/),
    });
  });

  it('a file part missing from the request is BAD_USER_INPUT', async () => {
    const missing = Promise.reject(createError(400, 'File missing in the request.'));
    expect(await refusal(readUpload(missing, { maxBytes: 1024, label: 'profile picture' }))).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'The profile picture upload is missing from the multipart request: send it as the file part the `map` field names',
    });
  });
});
