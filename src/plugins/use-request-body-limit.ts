import type { IncomingMessage } from 'node:http';
import { createGraphQLError, type Plugin } from 'graphql-yoga';

export interface RequestBodyLimitPluginOptions {
  /** Largest request body accepted, in bytes. Default: Yoga's own default, 25,000,000. */
  maxBytes?: number;
}

/** Only a single non-negative integer is a valid Content-Length (comma-joined values are smuggling attempts). */
const CONTENT_LENGTH = /^\d+$/;

/**
 * Yoga's request body limit (`maxRequestBodySize`), with the same answers (413
 * REQUEST_ENTITY_TOO_LARGE, 400 BAD_REQUEST for a malformed Content-Length) but without its cost on
 * every request: Yoga pipes every body through a counting TransformStream, and each of those
 * pipelines ends by aborting an AbortController, which builds a DOMException (a stack trace) per
 * request — a quarter of the gateway's CPU for a one-group query (bench/README.md, "Profile").
 *
 * A body that arrived through Node's HTTP server with a valid Content-Length cannot be longer than
 * that: Node's parser reads exactly that many bytes (and refuses Content-Length with
 * Transfer-Encoding). So the Content-Length check is the whole limit there; only bodies without
 * one (chunked) or not from Node's server (`yoga.fetch`) are counted while they stream.
 *
 * Create Yoga with `maxRequestBodySize: false` and register this last, after every plugin that sets
 * a request parser (as Yoga does with its own), so it limits the parser that was chosen.
 */
export function useRequestBodyLimit({ maxBytes = 25_000_000 }: RequestBodyLimitPluginOptions = {}): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, serverContext, fetchAPI }) {
      const contentLength = request.headers.get('content-length');
      if (contentLength !== null) {
        if (!CONTENT_LENGTH.test(contentLength)) throw invalidContentLength();
        if (Number(contentLength) > maxBytes) throw tooLarge();
        if (fromNodeServer(serverContext)) return;
      }
      if (!requestParser || !request.body) return;
      const parse = requestParser;
      setRequestParser((req) => parse(req.body ? countingBody(req, req.body, maxBytes, fetchAPI) : req));
    },
  };
}

function fromNodeServer(serverContext: unknown): boolean {
  const req = (serverContext as { req?: Partial<IncomingMessage> } | undefined)?.req;
  return typeof req?.httpVersion === 'string';
}

/** The request with its body counted while it streams: past `maxBytes` the body errors with a 413. */
function countingBody(
  request: Request,
  stream: ReadableStream<Uint8Array>,
  maxBytes: number,
  fetchAPI: { Request: typeof Request; TransformStream: typeof TransformStream },
): Request {
  let bytes = 0;
  // A native body needs the native TransformStream (graphql-yoga#4583), a ponyfilled one the ponyfill's.
  const Transform = stream instanceof ReadableStream ? globalThis.TransformStream : fetchAPI.TransformStream;
  const body = stream.pipeThrough(
    new Transform<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        bytes += chunk.byteLength;
        if (bytes > maxBytes) controller.error(tooLarge());
        else controller.enqueue(chunk);
      },
    }),
  );
  return new fetchAPI.Request(request.url, {
    method: request.method,
    headers: request.headers,
    signal: request.signal,
    body,
    // Required by fetch for a streamed request body.
    duplex: 'half',
  } as RequestInit);
}

function tooLarge() {
  return createGraphQLError('Request body too large', { extensions: { http: { status: 413 }, code: 'REQUEST_ENTITY_TOO_LARGE' } });
}

function invalidContentLength() {
  return createGraphQLError('Content-Length header is invalid.', { extensions: { http: { status: 400 }, code: 'BAD_REQUEST' } });
}
