import type { IncomingMessage, ServerResponse } from 'node:http';
// The root entry, never a subpath: each subpath bundles its own `Upload` class, and the scalar only
// accepts instances of the one `processRequest` creates (`instanceof`). Both come from here.
import { processRequest } from 'graphql-upload-ts';
import { createGraphQLError, type GraphQLParams, type Plugin } from 'graphql-yoga';
import { formatBytes } from '../uploads/read-upload.js';
import { PROFILE_PICTURE_MAX_BYTES } from '../uploads/profile-picture.js';

export interface UploadsPluginOptions {
  /** Largest file, counted while streaming. Default: the profile picture limit, 5 MiB. */
  maxFileSize?: number;
  /** Files per request. Default 1: the schema takes one upload per operation. */
  maxFiles?: number;
  /** Largest `operations` / `map` field. Default 128 KiB, far above any real upload operation. */
  maxFieldSize?: number;
}

/** Multipart boundaries and part headers on top of the file and the two fields. */
const MULTIPART_FRAMING_BYTES = 64 * 1024;

/**
 * GraphQL multipart requests (https://github.com/jaydenseric/graphql-multipart-request-spec) parsed
 * by graphql-upload-ts straight from the Node request, in place of Yoga's own multipart parser
 * (create Yoga with `multipart: false`). Yoga's parser buffers every file in memory before any
 * resolver runs; this one spools the file to a temp file and lets the resolver read it, counting,
 * so a too-large picture becomes a BAD_USER_INPUT error for that field (library notes §1.3, variant C).
 *
 * A request whose Content-Length already exceeds the largest acceptable upload is refused before a
 * byte of its body is read. Parse failures (bad `operations`/`map`, too many files) are request
 * errors with HTTP 400/413. Needs the Node server context (`http.createServer(yoga)`).
 *
 * Register it after useCSRFPrevention: the CSRF check must see the request as multipart.
 */
export function useUploads({
  maxFileSize = PROFILE_PICTURE_MAX_BYTES,
  maxFiles = 1,
  maxFieldSize = 128 * 1024,
}: UploadsPluginOptions = {}): Plugin {
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
      setRequestParser(async () => {
        try {
          return await processRequest<GraphQLParams>(req, res, parserOptions);
        } catch (error) {
          const status = (error as { status?: unknown }).status;
          throw uploadError(
            typeof status === 'number' && status >= 400 && status < 500 ? status : 400,
            `Invalid multipart request: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      });
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
