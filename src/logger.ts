import { pino, type Logger, type DestinationStream } from 'pino';
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
 * Structured JSON logs (pino) with token redaction. A request's own line carries its `requestId`;
 * at debug level and below every line written while it is served does (read from the
 * AsyncLocalStorage the logging plugin then enters: see request-trace.ts).
 */
export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'whatsapp-groups-gateway' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      mixin: () => {
        const trace = requestTraces.getStore();
        return trace ? { requestId: trace.requestId } : {};
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
