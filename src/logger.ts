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
 * Structured JSON logs (pino) with token redaction. Lines written while a request is served carry
 * its `requestId` (read from the AsyncLocalStorage the logging plugin enters: no child logger per
 * request on the hot path).
 */
export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'whatsapp-groups-gateway' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      mixin: () => {
        const trace = requestTraces.getStore();
        if (!trace) return {};
        return trace.traceId ? { requestId: trace.requestId, traceId: trace.traceId } : { requestId: trace.requestId };
      },
    },
    options.destination,
  );
}
