/**
 * What goes back on the wire, and writing it. Graph answers JSON as
 * `application/json; charset=UTF-8`.
 */
import type { ServerResponse } from 'node:http';

export const JSON_CONTENT_TYPE = 'application/json; charset=UTF-8';

export interface Reply {
  status: number;
  headers: Record<string, string>;
  /** Undefined for an empty body (204). */
  body: string | undefined;
}

export function jsonReply(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'content-type': JSON_CONTENT_TYPE, ...headers }, body: JSON.stringify(value) };
}

/** Writes the reply; returns the body's byte length. */
export function sendReply(res: ServerResponse, reply: Reply): number {
  const bytes = reply.body === undefined ? 0 : Buffer.byteLength(reply.body);
  res.statusCode = reply.status;
  for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value);
  if (reply.body !== undefined) res.setHeader('content-length', bytes);
  res.end(reply.body);
  return bytes;
}
