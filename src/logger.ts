import { pino, stdSerializers, type Logger, type DestinationStream } from 'pino';

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
 * Where lines go when no destination is given: stdout, buffered. A synchronous write per line cost
 * 6 % of a read's CPU in the bench (one syscall per request); lines now leave in writes of 4 KiB or
 * every 200 ms, whichever comes first, and pino flushes what is left when the process exits. One
 * stream for the process, whatever the number of loggers.
 */
let stdout: DestinationStream | undefined;
function bufferedStdout(): DestinationStream {
  stdout ??= pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 200 });
  return stdout;
}

/**
 * Structured JSON logs (pino) with token redaction. Lines about a GraphQL request carry its
 * `requestId` because the logging plugin writes it on them (request-state.ts).
 */
export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'whatsapp-groups-gateway' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: serializeError },
    },
    options.destination ?? bufferedStdout(),
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
