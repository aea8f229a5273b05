/**
 * Graph paths: an optional `/vNN.0` prefix (§5 Versioning), then the node. The emulator
 * knows two nodes: the root (`?ids=` reads and batches, §5) and a group (§1.3-§1.5).
 */
import { unknownPath } from './graph-errors.js';

export type RequestKind = 'read' | 'ids' | 'batch' | 'update' | 'picture' | 'delete' | 'other';

export interface GraphPath {
  /** `undefined` for unversioned calls. */
  version: string | undefined;
  /** Path segments after the version, URL-decoded; `[]` is the root. */
  segments: string[];
}

const VERSION_LIKE = /^v\d+\.\d+$/;
const DEFAULT_VERSION = /^v\d+\.0$/;

export type VersionPolicy = readonly string[] | undefined;

export function isAcceptedVersion(version: string, accepted: VersionPolicy): boolean {
  return accepted === undefined ? DEFAULT_VERSION.test(version) : accepted.includes(version);
}

/** Throws the Graph "Unknown path components" error for a version it does not serve. */
export function parseGraphPath(pathname: string, accepted: VersionPolicy): GraphPath {
  const segments = pathname
    .split('/')
    .filter((s) => s.length > 0)
    .map((s) => safeDecode(s));
  const first = segments[0];
  if (first === undefined || !VERSION_LIKE.test(first)) {
    // ASSUMPTION: unversioned calls are served as the app's default version (§5 Versioning).
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

export interface KindHints {
  hasIds: boolean;
  isMultipart: boolean;
}

/** What a request is, for the request log and for matching faults. */
export function classify(method: string, segments: readonly string[], hints: KindHints): RequestKind {
  if (segments.length === 0) {
    if (method === 'GET' && hints.hasIds) return 'ids';
    if (method === 'POST') return 'batch';
    return 'other';
  }
  if (segments.length > 1) return 'other';
  switch (method) {
    case 'GET':
      return 'read';
    case 'POST':
      // A multipart update is how a profile picture is sent (§1.4).
      return hints.isMultipart ? 'picture' : 'update';
    case 'DELETE':
      return 'delete';
    default:
      return 'other';
  }
}
