import { createGraphQLError, type Plugin } from 'graphql-yoga';

export interface RequestBodyLimitPluginOptions {
  /** MAX_REQUEST_BODY_BYTES: the most a JSON, GraphQL or form body may hold. */
  maxBytes?: number;
}

/**
 * Operations are small: a body over `maxBytes` is refused with HTTP 413 before it is read, by its
 * Content-Length, or while it streams when it has none (chunked). Multipart bodies (uploads) are
 * left to useUploads (declared length) and the upload parser's per-file and per-field limits,
 * which are sized for a picture. Yoga's own `maxRequestBodySize` is off (gateway.ts).
 */
export function useRequestBodyLimit({ maxBytes = 1_000_000 }: RequestBodyLimitPluginOptions = {}): Plugin {
  const tooLarge = () =>
    createGraphQLError(`The request body is larger than ${maxBytes} bytes (MAX_REQUEST_BODY_BYTES)`, {
      extensions: { code: 'BAD_USER_INPUT', http: { status: 413 } },
    });
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      if (request.body === null || request.headers.get('content-type')?.toLowerCase().startsWith('multipart/')) return;
      const length = request.headers.get('content-length');
      if (length !== null && /^\d+$/.test(length) && Number(length) > maxBytes) throw tooLarge();
      if (!requestParser || length !== null) return;
      // No Content-Length: count while reading.
      setRequestParser((req) => {
        let read = 0;
        // Yoga does the same (graphql-yoga#4583): a native stream needs the native TransformStream.
        const Transform = req.body instanceof ReadableStream ? globalThis.TransformStream : fetchAPI.TransformStream;
        const counted = req.body?.pipeThrough(
          new Transform<Uint8Array, Uint8Array>({
            transform(chunk, controller) {
              read += chunk.byteLength;
              if (read > maxBytes) controller.error(tooLarge());
              else controller.enqueue(chunk);
            },
          }),
        );
        // @ts-expect-error `duplex` is required by Node's fetch for stream bodies but missing from the DOM types
        return requestParser(new fetchAPI.Request(req.url, { method: req.method, headers: req.headers, body: counted, duplex: 'half' }));
      });
    },
  };
}
