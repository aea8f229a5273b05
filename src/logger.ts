import { pino, type Logger, type DestinationStream } from 'pino';

/** Wherever these keys appear in a logged object, the value is replaced: tokens never reach a log line. */
export const REDACTED_PATHS = [
  'authorization',
  'access_token',
  'appsecret_proof',
  '*.authorization',
  '*.access_token',
  '*.appsecret_proof',
  'headers.authorization',
  'req.headers.authorization',
  'request.headers.authorization',
];

export type { Logger };

/** Structured JSON logs (pino) with token redaction. */
export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'whatsapp-groups-gateway' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    options.destination,
  );
}
