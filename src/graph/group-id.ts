import { GatewayError } from '../errors.js';

/** Real group ids are ~60 characters (Meta's examples); anything far longer is not a Graph id. */
export const MAX_GROUP_ID_LENGTH = 256;

/**
 * Rejects ids that cannot be a Graph node id before they reach a URL or an `ids=` list. Graph group
 * ids are Meta-escaped base64 (`Y2FwaV9ncm91cDox…ZD` in Meta's examples) and other node ids are digits,
 * so anything beyond letters, digits and `_ - = +` is refused: path and query syntax (`/ ? & # %`),
 * the comma that separates `ids=a,b`, whitespace, control and other non-ASCII characters, `.`/`..`,
 * empty, or absurdly long.
 */
export function assertGroupId(id: unknown): string {
  const problem = groupIdProblem(id);
  if (problem) throw new GatewayError('BAD_USER_INPUT', `Invalid group id: ${problem}`);
  return id as string;
}

/**
 * Why `id` cannot be a group id, or undefined when it can. Not only GraphQL `ID` arguments come here:
 * federation representations (`_Any`) carry whatever JSON the caller sent, arrays and objects included.
 */
export function groupIdProblem(id: unknown): string | undefined {
  if (typeof id !== 'string') return `it must be a string, got ${kindOf(id)}`;
  if (id.length === 0) return 'it is empty';
  if (id.length > MAX_GROUP_ID_LENGTH) return `it is ${id.length} characters long; group ids have at most ${MAX_GROUP_ID_LENGTH}`;
  if (id === '.' || id === '..') return 'it is a path segment, not an id';
  if (!/^[A-Za-z0-9_=+-]+$/.test(id)) {
    return 'it contains a character that cannot appear in a Graph id (only letters, digits and _ - = + can)';
  }
  return undefined;
}

function kindOf(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
