import { pino, stdSerializers, type Logger, type DestinationStream } from 'pino';
import { requestTraces } from './request-trace.js';

/** Wherever these keys appear in a logged object, the value is replaced: tokens never reach a log line. */
export const REDACTED_PATHS = [
  'authorization',
  'access_token',
  'appsecret_proof',
  '*.authorization',
  '*.access_token',
  '*.appsecret_proof',
  'headers.authorization',
  '*.headers.authorization',
  'req.headers.authorization',
  'request.headers.authorization',
];

export type { Logger };

/**
 * Error messages can echo what a caller sent (graphql-js quotes a mistyped variable's whole value):
 * a logged error's message and stack are cut to this many characters, so no request makes a long
 * log line.
 */
const MAX_LOGGED_ERROR_TEXT = 1024;

function serializeError(error: Error): ReturnType<typeof stdSerializers.err> {
  const serialized = stdSerializers.err(error);
  for (const key of ['message', 'stack'] as const) {
    const text = serialized[key];
    if (typeof text === 'string' && text.length > MAX_LOGGED_ERROR_TEXT) {
      serialized[key] = `${text.slice(0, MAX_LOGGED_ERROR_TEXT)}… (${text.length - MAX_LOGGED_ERROR_TEXT} more characters)`;
    }
  }
  return serialized;
}

/**
 * Structured JSON logs (pino) with token redaction. Every line written while a request is served
 * carries its `requestId` (read from the AsyncLocalStorage the logging plugin enters: see
 * request-trace.ts).
 */
export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'whatsapp-groups-gateway' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: serializeError },
      mixin: () => {
        const trace = requestTraces.getStore();
        if (!trace) return {};
        return trace.traceId ? { requestId: trace.requestId, traceId: trace.traceId } : { requestId: trace.requestId };
      },
    },
    options.destination,
  );
}

/**
 * The same logger without the redaction pass (which walks every value of every line for the
 * paths above): only for lines whose every field the gateway builds itself from values that hold
 * no secret (ids, names, codes, counts, durations), never a header, URL, query, variable or error.
 */
export function withoutRedaction(logger: Logger): Logger {
  return logger.child({}, { redact: [] });
}
