/**
 * Tiny HTTP helpers for the sandbox's tests: real requests with global fetch.
 */
export interface JsonResponse {
  status: number;
  headers: Headers;
  json: unknown;
  text: string;
}

export async function call(url: string, init: RequestInit = {}): Promise<JsonResponse> {
  const res = await fetch(url, init);
  const text = await res.text();
  let json: unknown;
  try {
    json = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

export function get(base: string, path: string, token?: string): Promise<JsonResponse> {
  return call(base + path, { headers: token === undefined ? {} : bearer(token) });
}

export function postForm(base: string, path: string, form: Record<string, string>, token?: string): Promise<JsonResponse> {
  return call(base + path, {
    method: 'POST',
    headers: token === undefined ? {} : bearer(token),
    body: new URLSearchParams(form),
  });
}

export function postJson(base: string, path: string, body: unknown, token?: string): Promise<JsonResponse> {
  return call(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === undefined ? {} : bearer(token)) },
    body: JSON.stringify(body),
  });
}

/** The `error` object of a Graph error envelope. */
export function graphErrorOf(response: JsonResponse): Record<string, unknown> {
  const body = response.json as { error?: Record<string, unknown> } | undefined;
  if (!body?.error) throw new Error(`expected a Graph error envelope, got ${response.status} ${response.text}`);
  return body.error;
}

/** A JSON request with any method (DELETE with a body, as the Groups API uses). */
export function sendJson(base: string, method: string, path: string, body: unknown, token?: string): Promise<JsonResponse> {
  return call(base + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token === undefined ? {} : bearer(token)) },
    body: JSON.stringify(body),
  });
}

/** An admin route of the sandbox (`/__sandbox/<route>`), JSON in and out. */
export function admin(base: string, route: string, body?: unknown): Promise<JsonResponse> {
  return call(`${base}/__sandbox/${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
}
