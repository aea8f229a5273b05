/**
 * multipart/form-data for tests, scripts and the benchmark: the GraphQL multipart request spec
 * (https://github.com/jaydenseric/graphql-multipart-request-spec) for the gateway, and the Graph
 * API's picture upload form for direct calls. `postMultipart` streams one request with node:http
 * (a test controls its length and pacing); `multipart` builds a body once, as bytes, so the load
 * generator can replay it. Both write their parts with the same `partHeader`.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';

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
  /**
   * After this many body bytes, wait (up to 5 s) for an answer before sending the rest. Node closes a
   * connection it answered before the request body ended, and bytes still arriving then turn the
   * close into a reset that can destroy the answer in flight: a test of an early refusal pauses
   * past the limit to read the answer deterministically.
   */
  pauseAfter?: number;
}

export interface MultipartResponse {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[] };
  /** How many body bytes were written before the answer arrived (the rest were never sent). */
  bytesSent: number;
  /** The response's Connection header: `close` when the server will not read the rest. */
  connection: string | undefined;
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
      (options.file ? partHeader(boundary, '0', options.file.filename ?? 'picture.jpg', options.file.contentType ?? 'image/jpeg') : ''),
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
  // A server that answers early and closes the connection makes the writes still queued fail
  // (EPIPE/ECONNRESET) after the response has detached its own listener: expected, not a failure.
  req.on('socket', (socket) => socket.on('error', () => undefined));
  const answered = new Promise<MultipartResponse>((resolve, reject) => {
    // `on`, not `once`: a server that answers early and closes makes later writes fail too (EPIPE).
    req.on('error', reject);
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('error', reject);
      res.once('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          resolve({
            status: res.statusCode ?? 0,
            connection: res.headers.connection,
            body: JSON.parse(text) as MultipartResponse['body'],
            bytesSent,
          });
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
  let paused = false;
  const write = async (chunk: Buffer): Promise<boolean> => {
    if (responded || req.destroyed) return false;
    bytesSent += chunk.length;
    if (!req.write(chunk)) await Promise.race([once(req, 'drain'), answered.catch(() => undefined)]);
    // Let an early answer be read before writing on: a server that answers early closes the
    // connection, and writing into it first (EPIPE) would lose the answer.
    await new Promise((resolve) => setImmediate(resolve));
    if (options.pauseAfter !== undefined && !paused && bytesSent - head.length >= options.pauseAfter) {
      paused = true;
      await Promise.race([new Promise((resolve) => setTimeout(resolve, 5_000)), answered.catch(() => undefined)]);
    }
    return true;
  };
  const send = async (): Promise<void> => {
    // Headers first, then a moment for an answer from the headers alone (as after `Expect:
    // 100-continue`): a refused upload then never starts, instead of racing the server's close.
    req.flushHeaders();
    await Promise.race([new Promise((resolve) => setTimeout(resolve, 25)), answered.catch(() => undefined)]);
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

/** The header of one form-data part (RFC 7578): its name, and for a file its file name and type. */
function partHeader(boundary: string, name: string, filename?: string, contentType?: string): string {
  const disposition = `form-data; name="${name}"${filename ? `; filename="${filename}"` : ''}`;
  return `--${boundary}\r\nContent-Disposition: ${disposition}${contentType ? `\r\nContent-Type: ${contentType}` : ''}\r\n\r\n`;
}

function part(boundary: string, name: string, value: string): string {
  return `${partHeader(boundary, name)}${value}\r\n`;
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

export interface LatePartRequest {
  /** The GraphQL multipart `operations` field (JSON). */
  operations: unknown;
  /** The `map` field: file part name → object paths. */
  map: Record<string, string[]>;
  headers: Record<string, string>;
  /** The file part (named "0"), sent only after the answer has arrived. */
  file: Buffer;
}

export interface LatePartResult {
  /** The answer, received before the file part was sent. */
  status: number;
  body: string;
  /** Body bytes the socket accepted after the answer: the file part with its headers and the closing boundary, unless the server closed first. */
  lateBytesWritten: number;
}

/**
 * A chunked multipart request over a raw socket, sent in two halves: `operations`, `map` and the next
 * part's boundary (so the parser finishes `map` and the server answers), then, only after the answer
 * has been read, the file part and the end of the body. What a client does whose file arrives after
 * the server has already answered (the operation never used it, or failed validation).
 */
export async function postWithLateFilePart(url: string, request: LatePartRequest): Promise<LatePartResult> {
  const { hostname, port, pathname } = new URL(url);
  const boundary = `----late-part-${randomBytes(8).toString('hex')}`;
  const socket = connect(Number(port), hostname);
  socket.on('error', () => undefined); // a server that closes first makes later writes fail: expected
  await once(socket, 'connect');
  const closed = once(socket, 'close');

  const head = [
    `POST ${pathname} HTTP/1.1`,
    `Host: ${hostname}:${port}`,
    `Content-Type: multipart/form-data; boundary=${boundary}`,
    'Transfer-Encoding: chunked',
    ...Object.entries(request.headers).map(([name, value]) => `${name}: ${value}`),
    '',
    '',
  ].join('\r\n');
  socket.write(head);
  const chunk = (data: Buffer | string) => {
    const bytes = Buffer.from(data);
    return Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from('\r\n')]);
  };
  // The `map` part ends only where the next boundary begins: send that boundary, not yet its headers.
  socket.write(
    chunk(part(boundary, 'operations', JSON.stringify(request.operations)) + part(boundary, 'map', JSON.stringify(request.map)) + `--${boundary}\r\n`),
  );
  const answer = await readResponse(socket);

  let lateBytesWritten = 0;
  const fileHead = `Content-Disposition: form-data; name="0"; filename="late.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`;
  const pieces: Buffer[] = [Buffer.from(fileHead)];
  for (let offset = 0; offset < request.file.length; offset += CHUNK) pieces.push(request.file.subarray(offset, offset + CHUNK));
  pieces.push(Buffer.from(`\r\n--${boundary}--\r\n`));
  for (const piece of pieces) {
    if (socket.destroyed || socket.writableEnded) break;
    if (!socket.write(chunk(piece))) await Promise.race([once(socket, 'drain'), closed]);
    if (!socket.destroyed) lateBytesWritten += piece.length;
  }
  if (!socket.destroyed) socket.end('0\r\n\r\n');
  await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 5_000))]);
  socket.destroy();
  return { ...answer, lateBytesWritten };
}

/** One HTTP/1.1 response (Content-Length or chunked body) read off a raw socket, which stays open. */
function readResponse(socket: Socket): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const done = (result: { status: number; body: string } | Error) => {
      socket.off('data', onData);
      socket.off('close', onClose);
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const onClose = () => done(new Error(`The connection closed before a whole response arrived: ${received.toString('latin1').slice(0, 200)}`));
    const onData = (data: Buffer) => {
      received = Buffer.concat([received, data]);
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      const headers = received.subarray(0, end).toString('latin1');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(headers)?.[1]);
      const rest = received.subarray(end + 4);
      const length = /^content-length:\s*(\d+)/im.exec(headers)?.[1];
      if (length !== undefined && rest.length >= Number(length)) done({ status, body: rest.subarray(0, Number(length)).toString('utf8') });
      else if (/^transfer-encoding:\s*chunked/im.test(headers) && rest.includes('0\r\n\r\n')) done({ status, body: dechunk(rest) });
    };
    socket.on('data', onData);
    socket.once('close', onClose);
  });
}

function dechunk(body: Buffer): string {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', offset);
    const size = Number.parseInt(body.subarray(offset, lineEnd).toString('latin1'), 16);
    if (!size) return Buffer.concat(parts).toString('utf8');
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
}

export interface Part {
  name: string;
  value: string | Buffer;
  filename?: string;
  contentType?: string;
}

export interface MultipartBody {
  contentType: string;
  body: Buffer;
}

/** A whole multipart body, built once. */
export function multipart(parts: readonly Part[]): MultipartBody {
  const boundary = `----bench${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    chunks.push(Buffer.from(partHeader(boundary, part.name, part.filename, part.contentType)));
    chunks.push(typeof part.value === 'string' ? Buffer.from(part.value) : part.value);
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(chunks) };
}

/** One GraphQL operation whose variable `variable` is the uploaded file. */
export function graphqlUpload(query: string, variables: Record<string, unknown>, variable: string, file: Part): MultipartBody {
  return multipart([
    { name: 'operations', value: JSON.stringify({ query, variables: { ...variables, [variable]: null } }) },
    { name: 'map', value: JSON.stringify({ 0: [`variables.${variable}`] }) },
    { ...file, name: '0' },
  ]);
}
