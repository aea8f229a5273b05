/**
 * Reads a request body into Graph params: JSON, form-urlencoded, or multipart (busboy,
 * for the profile picture). Bodies are capped so a huge or endless upload cannot
 * exhaust the emulator: past the cap bytes are drained, not kept; past a hard cap the
 * connection is cut.
 */
import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { objectToParams, searchParamsToMap } from './params.js';

/** Pictures up to 5 MB (Groups reference). ASSUMPTION: binary MiB (5 * 1024 * 1024 bytes). */
export const PICTURE_MAX_BYTES = 5 * 1024 * 1024;
/** ASSUMPTION: Meta documents no cap for JSON/form bodies; 1 MiB is far above any valid write. */
export const BODY_MAX_BYTES = 1024 * 1024;
/** Past this we stop draining and close the connection. */
export const HARD_MAX_BYTES = 16 * 1024 * 1024;

/** Meta's reference sends the picture as `file`, the pywa client as `profile_picture_file`: both are taken. */
const PICTURE_PARTS = new Set(['file', 'profile_picture_file']);

export interface UploadedFile {
  fieldName: string;
  data: Buffer;
  /** True when the upload was longer than PICTURE_MAX_BYTES (data holds only its start). */
  truncated: boolean;
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

export async function readBody(req: IncomingMessage): Promise<RequestBody> {
  if (isMultipart(req)) return readMultipart(req);
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

function readMultipart(req: IncomingMessage): Promise<RequestBody> {
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
        // a picture of exactly PICTURE_MAX_BYTES must pass.
        limits: { fileSize: PICTURE_MAX_BYTES + 1, fieldSize: BODY_MAX_BYTES, fields: 100, files: 4, parts: 110 },
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
    parser.on('file', (name, stream) => {
      if (file !== undefined || !PICTURE_PARTS.has(name)) {
        stream.resume(); // ASSUMPTION: only the first picture part counts; others are ignored.
        return;
      }
      const upload: UploadedFile = { fieldName: name, data: Buffer.alloc(0), truncated: false };
      file = upload;
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => (upload.truncated = true));
      stream.on('end', () => (upload.data = Buffer.concat(chunks)));
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
      if (bytes > HARD_MAX_BYTES && !settled) {
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
