/**
 * Readers for the loosely typed values of a verified webhook (Meta's samples and its spec disagree
 * on types: docs/graph-api-facts.md, "Webhooks"). Each returns undefined for anything it cannot read,
 * so one odd field never drops the event.
 */

export type Item = Record<string, unknown>;

export function isItem(value: unknown): value is Item {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A non-empty string, or a finite number as text (ids are sometimes sent as numbers). */
export function text(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
}

/** Samples quote the Unix-seconds timestamp, the spec says integer: both are read. */
export function isoTime(value: unknown): string | undefined {
  const seconds = typeof value === 'string' ? Number(value) : value;
  return typeof seconds === 'number' && Number.isSafeInteger(seconds) && seconds > 0 ? new Date(seconds * 1000).toISOString() : undefined;
}

/** Sets `key` only when there is a value, so absent fields stay absent (not `undefined`). */
export function assign<T, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}
