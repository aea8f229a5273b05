/**
 * One Graph call, whether it arrived as an HTTP request or as an operation of a batch
 * (batch operations behave like the requests they describe), and what handlers share.
 */
import type { UploadedFile } from './body.js';
import type { DelayedEffects } from './delayed-effects.js';
import type { MediaStore } from './media-store.js';
import type { MessageStore } from './message-store.js';
import type { SandboxConfig } from './options.js';
import type { Params } from './params.js';
import type { GroupStore } from './store.js';
import type { TokenRegistry } from './tokens.js';
import type { WebhookSink } from './webhook-sink.js';

export interface GraphCall {
  method: string;
  /** Path segments after the version; `[]` is the root. */
  segments: readonly string[];
  params: Params;
  file?: UploadedFile;
  /** Already authenticated. */
  token: string;
  /** The path's version, or the default one for unversioned calls; paging URLs repeat it. */
  version: string;
  /** `http://host:port` the caller used; paging URLs point back at it. */
  origin: string;
}

export interface GraphAnswer {
  status: number;
  body: unknown;
  /** Set by batches: the operations and what each touched, for the request log. */
  batch?: { ops: BatchOpRecord[]; summaries: CallSummary[] };
}

export interface BatchOpRecord {
  method: string;
  relativeUrl: string;
  /** The route the operation took, as for a request of its own. */
  kind: string;
}

export interface GraphContext {
  config: SandboxConfig;
  store: GroupStore;
  /** Sent and received messages, 24-hour windows, undeliverable people. */
  messages: MessageStore;
  /** Uploaded media (facts only, never bytes). */
  media: MediaStore;
  tokens: TokenRegistry;
  /** Where effects report the webhooks Meta would send. */
  webhooks: WebhookSink;
  /** Effects that land a moment after the answer (group creation). */
  later: DelayedEffects;
}

export function ok(body: unknown): GraphAnswer {
  return { status: 200, body };
}

/** What the request log records about a call: the object ids it addressed and its fields. */
export interface CallSummary {
  ids: string[];
  fields: string[] | null;
}
