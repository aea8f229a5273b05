/**
 * startSandbox() options: validated once, all problems reported together, then frozen.
 */
import { z } from 'zod';
import { noWebhooks, type WebhookSink } from './webhook-sink.js';

export interface SandboxLogger {
  info(obj: object, msg?: string): void;
}

export interface SandboxOptions {
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0 (ephemeral). */
  port?: number;
  /** Accepted version prefixes such as 'v23.0'; default any `v<digits>.0`. */
  versions?: string[];
  /** When set, every Graph request must carry a valid appsecret_proof. */
  appSecret?: string;
  /** Fixed latency added to every Graph response. */
  latencyMs?: number;
  /** Seed demo groups and a demo token. Default false. */
  seedDemo?: boolean;
  /** Which error an unknown or invisible group gives (131041 or Graph's 100/33). Default '131041'. */
  unknownGroupError?: '131041' | '100/33';
  /** Whether the emulated Meta serves `?ids=` reads and batches. Default both true. */
  mechanisms?: { batch?: boolean; ids?: boolean };
  /** DELETE /{group-id} answer (Meta's docs disagree). Default 'success'. */
  deleteResponse?: 'success' | 'request_id';
  /** POST /{group-id} answer (Meta's docs disagree). Default 'success'. */
  updateResponse?: 'success' | 'request_id';
  /**
   * POST /{phone-number-id}/groups answer: `request_id` (the documented `{messaging_product,
   * request_id}`, the group appears `createDelayMs` later) or `id` (`{id}`, the group exists at once,
   * as some clients report). Default 'request_id'.
   */
  createResponse?: 'request_id' | 'id';
  /** How long after its request a created group appears. ASSUMPTION: Meta publishes no figure. Default 100. */
  createDelayMs?: number;
  /**
   * Whether a free-form (non-template) group message needs the group's 24-hour window, opened when
   * any member writes (Meta's Groups pricing page is ambiguous). Default false: any group can be written to.
   */
  groupWindowRequired?: boolean;
  /** Gets one line per Graph request. Tokens are never logged. */
  logger?: SandboxLogger;
  /** Receives the webhooks Meta would send for the sandbox's effects. Default: dropped. */
  webhooks?: WebhookSink;
}

export interface SandboxConfig {
  readonly host: string;
  readonly port: number;
  readonly versions: readonly string[] | undefined;
  readonly appSecret: string | undefined;
  readonly latencyMs: number;
  readonly seedDemo: boolean;
  readonly unknownGroupError: '131041' | '100/33';
  readonly mechanisms: { readonly batch: boolean; readonly ids: boolean };
  readonly deleteResponse: 'success' | 'request_id';
  readonly updateResponse: 'success' | 'request_id';
  readonly createResponse: 'request_id' | 'id';
  readonly createDelayMs: number;
  readonly groupWindowRequired: boolean;
  readonly logger: SandboxLogger | undefined;
  readonly webhooks: WebhookSink;
}

const schema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(0),
  versions: z.array(z.string().regex(/^v\d+\.\d+$/, 'expected a version like v23.0')).min(1).optional(),
  appSecret: z.string().min(1).optional(),
  latencyMs: z.number().min(0).finite().default(0),
  seedDemo: z.boolean().default(false),
  unknownGroupError: z.enum(['131041', '100/33']).default('131041'),
  mechanisms: z
    .object({ batch: z.boolean().default(true), ids: z.boolean().default(true) })
    .default({ batch: true, ids: true }),
  deleteResponse: z.enum(['success', 'request_id']).default('success'),
  updateResponse: z.enum(['success', 'request_id']).default('success'),
  createResponse: z.enum(['request_id', 'id']).default('request_id'),
  createDelayMs: z.number().min(0).max(60_000).finite().default(100),
  groupWindowRequired: z.boolean().default(false),
});

export function resolveOptions(options: SandboxOptions = {}): SandboxConfig {
  const { logger, webhooks, ...rest } = options;
  const parsed = schema.safeParse(rest);
  if (!parsed.success) throw new TypeError(`Invalid sandbox options:\n${z.prettifyError(parsed.error)}`);
  const { versions, appSecret, mechanisms, ...plain } = parsed.data;
  return Object.freeze({
    ...plain,
    versions: versions && Object.freeze([...versions]),
    appSecret,
    mechanisms: Object.freeze({ ...mechanisms }),
    logger,
    webhooks: webhooks ?? noWebhooks,
  });
}
