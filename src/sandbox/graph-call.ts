/**
 * One Graph call, whether it arrived as an HTTP request or as an operation of a batch
 * (§5: batch operations behave like the requests they describe).
 */
import type { UploadedFile } from './body.js';
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
}

export interface GraphAnswer {
  status: number;
  body: unknown;
  /** Set by batches: the operations and what each touched, for the request log. */
  batch?: { ops: { method: string; relativeUrl: string }[]; summaries: CallSummary[] };
}

export interface GraphContext {
  config: SandboxConfig;
  store: GroupStore;
  tokens: TokenRegistry;
  /** Where effects report the webhooks Meta would send (§7). */
  webhooks: WebhookSink;
}

export function ok(body: unknown): GraphAnswer {
  return { status: 200, body };
}

/** What the request log records about a call: the group ids it touched and its fields. */
export interface CallSummary {
  ids: string[];
  fields: string[] | null;
}
