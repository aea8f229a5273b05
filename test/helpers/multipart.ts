import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { request } from 'node:http';

/** A file to upload: given bytes, or `size` bytes generated while sending (`head`, then filler). */
export type UploadBody = { bytes: Buffer } | { size: number; head?: Buffer };

export interface MultipartRequest {
  query: string;
  variables: Record<string, unknown>;
  operationName?: string;
  /** Object path the file fills (GraphQL multipart request spec `map`). */
  fileVariable?: string;
  /** Omitted: a multipart request without a file. */
  file?: UploadBody & { filename?: string; contentType?: string };
  /** Merged over the defaults; `undefined` removes one. No CSRF header is added by default. */
  headers?: Record<string, string | undefined>;
  /** `content-length` (default) declares the size up front; `chunked` sends it without a length. */
  transfer?: 'content-length' | 'chunked';
}

export interface MultipartResponse {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[] };
  /** How many body bytes were written before the answer arrived (the rest were never sent). */
  bytesSent: number;
}

const CHUNK = 64 * 1024;

/**
 * POSTs a GraphQL multipart request (operations, map, one file part named "0") with node:http, so a
 * test controls Content-Length vs chunked, and a 50 MB body costs the test process nothing: the file
 * is produced chunk by chunk, and sending stops as soon as the server answers.
 */
export async function postMultipart(url: string, options: MultipartRequest): Promise<MultipartResponse> {
  const boundary = `----gateway-test-${randomBytes(8).toString('hex')}`;
  const operations = JSON.stringify({
    query: options.query,
    variables: options.variables,
    ...(options.operationName ? { operationName: options.operationName } : {}),
  });
  const map = options.file ? { 0: [options.fileVariable ?? 'variables.input.profilePicture'] } : {};
  const head = Buffer.from(
    part(boundary, 'operations', operations) +
      part(boundary, 'map', JSON.stringify(map)) +
      (options.file
        ? `--${boundary}\r\nContent-Disposition: form-data; name="0"; filename="${options.file.filename ?? 'picture.jpg'}"\r\n` +
          `Content-Type: ${options.file.contentType ?? 'image/jpeg'}\r\n\r\n`
        : ''),
  );
  const tail = Buffer.from(`${options.file ? '\r\n' : ''}--${boundary}--\r\n`);
  const fileSize = !options.file ? 0 : 'bytes' in options.file ? options.file.bytes.length : options.file.size;

  const headers: Record<string, string> = {};
  const wanted: Record<string, string | undefined> = {
    'content-type': `multipart/form-data; boundary=${boundary}`,
    ...(options.transfer === 'chunked' ? {} : { 'content-length': String(head.length + fileSize + tail.length) }),
    ...options.headers,
  };
  for (const [name, value] of Object.entries(wanted)) if (value !== undefined) headers[name] = value;

  const req = request(url, { method: 'POST', headers, agent: false });
  const answered = new Promise<MultipartResponse>((resolve, reject) => {
    req.once('error', reject);
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('error', reject);
      res.once('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as MultipartResponse['body'], bytesSent });
        } catch {
          reject(new Error(`HTTP ${res.statusCode}: not JSON: ${text.slice(0, 200)}`));
        }
      });
    });
  });
  let responded = false;
  answered.then(
    () => (responded = true),
    () => (responded = true),
  );

  let bytesSent = 0;
  const write = async (chunk: Buffer): Promise<boolean> => {
    if (responded || req.destroyed) return false;
    bytesSent += chunk.length;
    if (!req.write(chunk)) await Promise.race([once(req, 'drain'), answered.catch(() => undefined)]);
    return true;
  };
  const send = async (): Promise<void> => {
    if (!(await write(head))) return;
    for (const chunk of fileChunks(options.file)) if (!(await write(chunk))) return;
    if (await write(tail)) req.end();
  };
  const sending = send().catch(() => undefined);

  try {
    return await answered;
  } finally {
    await sending;
    // An answer before the whole body went out: drop the rest instead of sending it for nothing.
    if (!req.writableEnded) req.destroy();
  }
}

function part(boundary: string, name: string, value: string): string {
  return `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
}

function* fileChunks(file: UploadBody | undefined): Generator<Buffer> {
  if (!file) return;
  if ('bytes' in file) {
    for (let offset = 0; offset < file.bytes.length; offset += CHUNK) yield file.bytes.subarray(offset, offset + CHUNK);
    return;
  }
  const head = file.head ?? Buffer.alloc(0);
  yield head.subarray(0, file.size);
  // One reused filler chunk: bytes that never form a JPEG marker.
  const filler = Buffer.alloc(CHUNK, 0x5a);
  for (let left = file.size - head.length; left > 0; left -= CHUNK) yield left >= CHUNK ? filler : filler.subarray(0, left);
}
