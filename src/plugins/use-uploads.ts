import type { IncomingMessage, ServerResponse } from 'node:http';
// The root entry, never a subpath: each subpath bundles its own `Upload` class, and the scalar only
// accepts instances of the one `processRequest` creates (`instanceof`). Both come from here.
import { processRequest } from 'graphql-upload-ts';
import { createGraphQLError, type GraphQLParams, type Plugin } from 'graphql-yoga';
import { credentialsOf } from '../credentials.js';
import { GatewayError } from '../errors.js';
import { formatBytes } from '../uploads/read-upload.js';
import { PROFILE_PICTURE_MAX_BYTES } from '../uploads/profile-picture.js';
import { RequestUploads } from '../uploads/request-uploads.js';
import { UploadSlots } from '../uploads/upload-slots.js';

declare module '../context.js' {
  interface GatewayContext {
    /** Set by useUploads for multipart requests: their files, checked once, within the upload slots. */
    readonly uploads?: RequestUploads;
  }
}

export interface UploadsPluginOptions {
  /** Largest file, counted while streaming. Default: the profile picture limit, 5 MiB. */
  maxFileSize?: number;
  /** MAX_MEDIA_UPLOAD_BYTES: the largest media file a message may upload (each media type has its own limit too). Default 5 MiB. */
  maxMediaBytes?: number;
  /** Files per request. Default 1: the schema takes one upload per operation. */
  maxFiles?: number;
  /** Largest `operations` / `map` field. Default 128 KiB, far above any real upload operation. */
  maxFieldSize?: number;
  /** WHATSAPP_ACCESS_TOKEN: without it, a request needs its own `Authorization: Bearer` to upload. */
  defaultAccessToken?: string | undefined;
  /** Pictures being read, checked or sent upstream at once (MAX_CONCURRENT_UPLOADS). Default 8. */
  maxConcurrentUploads?: number;
  /** How long a spooled picture waits for a slot before RATE_LIMITED (UPLOAD_WAIT_TIMEOUT_MS). Default 10 s. */
  uploadWaitTimeoutMs?: number;
}

/** Multipart boundaries and part headers on top of the file and the two fields. */
const MULTIPART_FRAMING_BYTES = 64 * 1024;

/**
 * GraphQL multipart requests (https://github.com/jaydenseric/graphql-multipart-request-spec) parsed
 * by graphql-upload-ts straight from the Node request, in place of Yoga's own multipart parser
 * (create Yoga with `multipart: false`). Yoga's parser buffers every file in memory before any
 * resolver runs; this one spools the file to a temp file, counting: past the limit the file fails,
 * and the resolver turns that into a BAD_USER_INPUT error for its field.
 *
 * A request whose Content-Length already exceeds the largest acceptable upload is refused before a
 * byte of its body is read. Parse failures (bad `operations`/`map`, too many files) are request
 * errors with HTTP 400/413. Needs the Node server context (`http.createServer(yoga)`).
 *
 * A request without a usable token (the same rule as the context's) may carry no file: it is
 * refused UNAUTHENTICATED (HTTP 401) as soon as its `map` names one, before any file byte is spooled.
 * Every spooled file is removed when the response ends, also one that arrives after it; see
 * RequestUploads, which the resolvers get as `context.uploads`.
 *
 * Register it after useCSRFPrevention: the CSRF check must see the request as multipart.
 */
export function useUploads({
  maxFileSize = PROFILE_PICTURE_MAX_BYTES,
  maxMediaBytes = PROFILE_PICTURE_MAX_BYTES,
  maxFiles = 1,
  maxFieldSize = 128 * 1024,
  defaultAccessToken,
  maxConcurrentUploads = 8,
  uploadWaitTimeoutMs = 10_000,
}: UploadsPluginOptions = {}): Plugin<{ uploads?: RequestUploads }> {
  const slots = new UploadSlots({ max: maxConcurrentUploads, waitTimeoutMs: uploadWaitTimeoutMs });
  const byRequest = new WeakMap<Request, RequestUploads>();
  const maxBodySize = maxFiles * maxFileSize + 2 * maxFieldSize + MULTIPART_FRAMING_BYTES;
  // busboy flags a file as truncated when it *reaches* `fileSize` (busboy/lib/types/multipart.js,
  // `fileSize === fileSizeLimit`), which would refuse a file of exactly maxFileSize bytes. One more
  // byte lets exactly-the-limit through; the resolver's reader enforces the exact limit anyway.
  const parserOptions = { maxFileSize: maxFileSize + 1, maxFiles, maxFieldSize };
  return {
    onRequestParse({ request, serverContext, setRequestParser }) {
      if (!isMultipart(request)) return;
      const { req, res } = nodeObjects(serverContext);
      if (!req || !res) {
        throw uploadError(415, 'Multipart uploads are only accepted by the gateway\'s HTTP server; send the operation as JSON');
      }
      const declared = Number(request.headers.get('content-length'));
      if (Number.isSafeInteger(declared) && declared > maxBodySize) {
        throw uploadError(
          413,
          `The upload is too large: the request declares ${declared} bytes, and a file may have at most ${formatBytes(maxFileSize)} (${maxFileSize} bytes); nothing was read`,
        );
      }
      const credentials = credentialsOf(request, defaultAccessToken);
      const uploads = new RequestUploads(slots, request.signal, maxMediaBytes);
      byRequest.set(request, uploads);
      res.once('close', () => uploads.end());
      setRequestParser(async () => {
        try {
          // No token: no file may be spooled (maxFiles 0 refuses a `map` naming one, and any file part).
          const options = credentials instanceof GatewayError ? { ...parserOptions, maxFiles: 0 } : parserOptions;
          const operations = await processRequest<GraphQLParams>(req, res, options);
          uploads.track(operations);
          return operations;
        } catch (error) {
          const status = (error as { status?: unknown }).status;
          // 413 with maxFiles 0: the request carried a file (or an oversized field: no token either way).
          if (credentials instanceof GatewayError && status === 413) throw unauthenticated(credentials);
          throw uploadError(
            typeof status === 'number' && status >= 400 && status < 500 ? status : 400,
            `Invalid multipart request: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      });
    },
    onContextBuilding({ context, extendContext }) {
      const uploads = byRequest.get(context.request);
      if (uploads) extendContext({ uploads });
    },
  };
}

function isMultipart(request: Request): boolean {
  return (request.headers.get('content-type') ?? '').toLowerCase().startsWith('multipart/form-data');
}

function nodeObjects(serverContext: unknown): { req?: IncomingMessage; res?: ServerResponse } {
  const { req, res } = (serverContext ?? {}) as { req?: IncomingMessage; res?: ServerResponse };
  return { ...(req?.pipe ? { req } : {}), ...(res?.once ? { res } : {}) };
}

/** A request-level error: Yoga answers with this HTTP status and no `data`. */
function uploadError(status: number, message: string) {
  return createGraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status } } });
}

/** The context's own UNAUTHENTICATED refusal, as a request error (HTTP 401, as RFC 6750 answers a missing token). */
function unauthenticated(error: GatewayError) {
  return createGraphQLError(error.message, {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401, headers: { 'www-authenticate': 'Bearer' } } },
  });
}
