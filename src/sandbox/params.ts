/**
 * Graph request parameters. Graph reads them from the query string and the body alike
 * (`access_token`, `batch`, `include_headers` come as form or query params, Graph batch requests); body
 * values win. JSON bodies may carry non-string values, hence `unknown`.
 */
export type Params = ReadonlyMap<string, unknown>;

export function searchParamsToMap(search: URLSearchParams): Map<string, unknown> {
  const map = new Map<string, unknown>();
  for (const [key, value] of search) map.set(key, value);
  return map;
}

export function objectToParams(object: Record<string, unknown>): Map<string, unknown> {
  return new Map(Object.entries(object));
}

export function mergeParams(...sources: Params[]): Map<string, unknown> {
  const merged = new Map<string, unknown>();
  for (const source of sources) for (const [key, value] of source) merged.set(key, value);
  return merged;
}

/** A parameter as text: strings as-is, numbers and booleans stringified, others undefined. */
export function stringParam(params: Params, name: string): string | undefined {
  const value = params.get(name);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}
