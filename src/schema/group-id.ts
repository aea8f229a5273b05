import { GatewayError } from '../errors.js';

/** Real group ids are ~60 characters (notes §6); anything far longer is not a Graph id. */
export const MAX_GROUP_ID_LENGTH = 256;

/**
 * Rejects ids that cannot be a Graph node id before they reach a URL: path and query syntax
 * (`/ ? & # %`), whitespace and control characters, `.`/`..`, empty, or absurdly long.
 */
export function assertGroupId(id: string): string {
  const problem = groupIdProblem(id);
  if (problem) throw new GatewayError('BAD_USER_INPUT', `Invalid group id: ${problem}`);
  return id;
}

function groupIdProblem(id: string): string | undefined {
  if (id.length === 0) return 'it is empty';
  if (id.length > MAX_GROUP_ID_LENGTH) return `it is ${id.length} characters long; group ids have at most ${MAX_GROUP_ID_LENGTH}`;
  if (id === '.' || id === '..') return 'it is a path segment, not an id';
  // eslint-disable-next-line no-control-regex
  if (/[/?&#%\\\s\u0000-\u001f\u007f]/u.test(id)) {
    return 'it contains a character that cannot appear in a Graph id (/ ? & # % \\, whitespace or control characters)';
  }
  return undefined;
}
