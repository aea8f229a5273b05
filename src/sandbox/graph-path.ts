/**
 * Graph paths: an optional `/vNN.0` prefix (https://developers.facebook.com/docs/graph-api/guides/versioning),
 * then the node and its edge. Which paths exist is the route table's business (routes.ts).
 */
import { unknownPath } from './graph-errors.js';

/** ASSUMPTION: the version Graph serves unversioned calls with (really: the app's default). */
export const DEFAULT_VERSION = 'v23.0';

export interface GraphPath {
  /** `undefined` for unversioned calls. */
  version: string | undefined;
  /** Path segments after the version, URL-decoded; `[]` is the root. */
  segments: string[];
}

const VERSION_LIKE = /^v\d+\.\d+$/;
const MAJOR_VERSION = /^v\d+\.0$/;

export type VersionPolicy = readonly string[] | undefined;

export function isAcceptedVersion(version: string, accepted: VersionPolicy): boolean {
  return accepted === undefined ? MAJOR_VERSION.test(version) : accepted.includes(version);
}

/** Throws the Graph "Unknown path components" error for a version it does not serve. */
export function parseGraphPath(pathname: string, accepted: VersionPolicy): GraphPath {
  const segments = pathname
    .split('/')
    .filter((s) => s.length > 0)
    .map((s) => safeDecode(s));
  const first = segments[0];
  if (first === undefined || !VERSION_LIKE.test(first)) {
    // ASSUMPTION: unversioned calls are served as the app's default version.
    return { version: undefined, segments };
  }
  if (!isAcceptedVersion(first, accepted)) throw unknownPath(`/${first}`);
  return { version: first, segments: segments.slice(1) };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
