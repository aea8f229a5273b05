/**
 * The `extensions.code` of every error of a result (or of each result of a batched request), in
 * order; `UNKNOWN` for an error without one. What the request log line, the operation metrics and
 * the operation span each report.
 */
export function resultErrorCodes(result: unknown): string[] {
  const codes: string[] = [];
  for (const single of Array.isArray(result) ? result : [result]) {
    if (!single || typeof single !== 'object' || !('errors' in single)) continue;
    const errors = (single as { errors?: readonly { extensions?: { code?: unknown } }[] }).errors ?? [];
    for (const error of errors) codes.push(String(error.extensions?.code ?? 'UNKNOWN'));
  }
  return codes;
}
