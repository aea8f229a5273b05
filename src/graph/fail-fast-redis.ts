import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

export interface FailFastRedisOptions {
  /** A Redis answer slower than this is no answer (ioredis' `commandTimeout`). */
  commandTimeoutMs: number;
  logger: Logger;
  /** The warning logged when Redis becomes unreachable: what the caller does without it. */
  unreachableMessage: string;
}

/**
 * A Redis connection for what the gateway can do without (the group cache, the throttle memory):
 * commands fail at once while disconnected (no offline queue, no retries) and after
 * `commandTimeoutMs` on a Redis that stopped answering, so a caller goes upstream rather than
 * wait; it reconnects by itself. ioredis' error messages name host and port at most (never the
 * URL's password); one warning is logged per outage, not one per failed attempt.
 */
export function failFastRedis(url: string, { commandTimeoutMs, logger, unreachableMessage }: FailFastRedisOptions): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: commandTimeoutMs,
    connectTimeout: 5000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  let lastError = '';
  redis.on('error', (error: Error) => {
    if (error.message === lastError) return;
    lastError = error.message;
    logger.warn({ err: { message: error.message } }, unreachableMessage);
  });
  redis.on('ready', () => (lastError = ''));
  return redis;
}
