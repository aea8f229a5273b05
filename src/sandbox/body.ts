/**
 * Reads a request body into Graph params: JSON, form-urlencoded, or multipart (busboy, for
 * the profile picture and media uploads). Bodies are capped so a huge or endless upload
 * cannot exhaust the emulator: past the cap bytes are drained, not kept; past a hard cap the
 * connection is cut. An upload is hashed as it streams; only as much of it is kept as its
 * route needs (all of a picture, none of a media file).
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { objectToParams, searchParamsToMap } from './params.js';

/** Pictures up to 5 MB (Groups reference). ASSUMPTION: binary MiB (5 * 1024 * 1024 bytes). */
export const PICTURE_MAX_BYTES = 5 * 1024 * 1024;
/** ASSUMPTION: Meta documents no cap for JSON/form bodies; 1 MiB is far above any valid write. */
export const BODY_MAX_BYTES = 1024 * 1024;
/** Past this we stop draining and close the connection. */
export const HARD_MAX_BYTES = 16 * 1024 * 1024;

/** How a route takes a multipart file (routes.ts names one per upload endpoint). */
export interface UploadRule {
  /** The file part names taken; only the first such part counts. */
  parts: ReadonlySet<string>;
  /** A longer file is flagged `truncated`. */
  maxFileBytes: number;
  /** How many of its bytes are kept in `data`; the rest are only counted and hashed. */
  keepBytes: number;
  /** Past this many body bytes the connection is cut. */
  hardMaxBytes: number;
}

/** Meta's reference sends the picture as `file`, the pywa client as `profile_picture_file`: both are taken. */
export const PICTURE_UPLOAD: UploadRule = {
  parts: new Set(['file', 'profile_picture_file']),
  maxFileBytes: PICTURE_MAX_BYTES,
  keepBytes: PICTURE_MAX_BYTES + 1,
  hardMaxBytes: HARD_MAX_BYTES,
};

export interface UploadedFile {
  fieldName: string;
  /** The file's first `keepBytes` bytes. */
  data: Buffer;
  /** True when the upload was longer than its rule's maxFileBytes. */
  truncated: boolean;
  /** Bytes received (at most maxFileBytes + 1). */
  size: number;
  /** sha256 (hex) of the bytes received. */
  sha256: string;
  /** The part's declared Content-Type. */
  mimeType: string;
  filename?: string;
}

export type BodyProblem = 'too-large' | 'malformed' | 'cut';

export interface RequestBody {
  params: Map<string, unknown>;
  file?: UploadedFile;
  bytes: number;
  problem?: BodyProblem;
}

export class ClientAbortedError extends Error {
  constructor() {
    super('client aborted the request');
  }
}

export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

export function isMultipart(req: IncomingMessage): boolean {
  return mediaType(req) === 'multipart/form-data';
}

export async function readBody(req: IncomingMessage, upload: UploadRule = PICTURE_UPLOAD): Promise<RequestBody> {
  if (isMultipart(req)) return readMultipart(req, upload);
  const raw = await readCapped(req);
  if (raw.problem) return { params: new Map(), bytes: raw.bytes, problem: raw.problem };
  const params = parseText(mediaType(req), raw.buffer);
  return params ? { params, bytes: raw.bytes } : { params: new Map(), bytes: raw.bytes, problem: 'malformed' };
}

function parseText(type: string, buffer: Buffer): Map<string, unknown> | undefined {
  if (buffer.length === 0) return new Map();
  if (type === 'application/x-www-form-urlencoded') return searchParamsToMap(new URLSearchParams(buffer.toString('utf8')));
  if (type !== 'application/json') return new Map(); // Graph ignores bodies it cannot read.
  try {
    const value: unknown = JSON.parse(buffer.toString('utf8'));
    return isPlainObject(value) ? objectToParams(value) : undefined;
  } catch {
    return undefined;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface CappedRead {
  buffer: Buffer;
  bytes: number;
  problem?: 'too-large' | 'cut';
}

/** The raw body, up to BODY_MAX_BYTES (the admin API reads JSON this way). */
export function readCapped(req: IncomingMessage): Promise<CappedRead> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const finish = (problem?: 'too-large' | 'cut'): void => {
      req.off('data', onData);
      resolve({ buffer: Buffer.concat(chunks), bytes, ...(problem && { problem }) });
    };
    const onData = (chunk: Buffer): void => {
      bytes += chunk.length;
      if (bytes > HARD_MAX_BYTES) return finish('cut');
      if (bytes > BODY_MAX_BYTES) chunks.length = 0;
      else chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => finish(bytes > BODY_MAX_BYTES ? 'too-large' : undefined));
    onAbort(req, reject);
  });
}

function onAbort(req: IncomingMessage, reject: (e: Error) => void): void {
  req.on('error', () => reject(new ClientAbortedError()));
  req.on('close', () => {
    if (!req.complete) reject(new ClientAbortedError());
  });
}

function readMultipart(req: IncomingMessage, upload: UploadRule): Promise<RequestBody> {
  return new Promise((resolve, reject) => {
    const params = new Map<string, unknown>();
    let file: UploadedFile | undefined;
    let bytes = 0;
    let problem: BodyProblem | undefined;
    let settled = false;
    const settle = (): void => {
      if (settled) return;
      settled = true;
      resolve({ params, bytes, ...(file && { file }), ...(problem && { problem }) });
    };

    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        // busboy flags a file as truncated on reaching the limit, so allow one byte more:
        // a file of exactly maxFileBytes must pass.
        limits: { fileSize: upload.maxFileBytes + 1, fieldSize: BODY_MAX_BYTES, fields: 100, files: 4, parts: 110 },
      });
    } catch {
      // No or bad boundary: drain and report a malformed body.
      problem = 'malformed';
      req.on('data', (chunk: Buffer) => (bytes += chunk.length));
      req.on('end', settle);
      onAbort(req, reject);
      return;
    }

    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) problem ??= 'too-large';
      params.set(name, value);
    });
    parser.on('file', (name, stream, info) => {
      if (file !== undefined || !upload.parts.has(name)) {
        stream.resume(); // ASSUMPTION: only the first file part counts; others are ignored.
        return;
      }
      const received: UploadedFile = {
        fieldName: name,
        data: Buffer.alloc(0),
        truncated: false,
        size: 0,
        sha256: '',
        mimeType: info.mimeType.toLowerCase(),
        ...(info.filename !== undefined && { filename: info.filename }),
      };
      file = received;
      const chunks: Buffer[] = [];
      let kept = 0;
      const hash = createHash('sha256');
      stream.on('data', (chunk: Buffer) => {
        received.size += chunk.length;
        hash.update(chunk);
        if (kept < upload.keepBytes) {
          const part = chunk.subarray(0, upload.keepBytes - kept);
          chunks.push(part);
          kept += part.length;
        }
      });
      stream.on('limit', () => (received.truncated = true));
      stream.on('end', () => {
        received.data = Buffer.concat(chunks);
        received.sha256 = hash.digest('hex');
      });
    });
    parser.on('close', settle);
    parser.on('error', () => {
      problem = 'malformed';
      req.unpipe(parser);
      req.resume();
      if (req.complete) settle();
      else req.on('end', settle);
    });
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > upload.hardMaxBytes && !settled) {
        problem = 'cut';
        req.unpipe(parser);
        req.pause();
        settle();
      }
    });
    onAbort(req, (e) => {
      if (!settled) reject(e);
    });
    req.pipe(parser);
  });
}
