/**
 * The sandbox: a faithful emulator of Meta's Graph API for the WhatsApp Groups endpoints
 * (group read, `?ids=` reads, batches, settings update incl. profile picture, delete,
 * create and list, invite links, participant removal, join requests, sending messages to
 * groups and people, media upload, pins), with the webhooks
 * those effects cause. It is a product, not a test double: `npm start` runs it
 * in-process, seeded with demo data, when no upstream is configured, and it backs the
 * gateway's integration, fault and load tests and its benchmark over real HTTP.
 *
 * Every behaviour follows Meta's documentation as summarised in docs/graph-api-facts.md,
 * or is marked `ASSUMPTION` there and in the code where Meta is silent or unclear. The
 * endpoints are listed once, in routes.ts. It shares no code with the gateway
 * (src/graph, src/schema…), so the two cannot hide each other's bugs.
 */
import { DelayedEffects } from './delayed-effects.js';
import { seedDemoData } from './demo-data.js';
import { FaultInjector } from './faults.js';
import { resolveOptions, type SandboxOptions } from './options.js';
import { RequestLog, type RecordedRequest } from './request-log.js';
import { listen } from './server.js';
import { MediaStore } from './media-store.js';
import { MessageStore } from './message-store.js';
import { GroupStore } from './store.js';
import { TokenRegistry } from './tokens.js';
import { UsageMeter } from './usage-headers.js';

export interface Sandbox {
  /** e.g. `http://127.0.0.1:43123`: no trailing slash, no version. */
  url: string;
  /** Stops listening and drops every connection (keep-alive and hung ones too). */
  close(): Promise<void>;
  demoToken: string | undefined;
  demoGroupIds: string[];
  /** The demo business phone number (its token is `demoToken`); undefined without demo data. */
  demoPhoneNumberId: string | undefined;
  /** A message the business posted in the first demo group, to pin or reply to; undefined without demo data. */
  demoMessageId: string | undefined;
  groups: GroupStore;
  /** Messages sent and received, 24-hour windows, undeliverable people. */
  messages: MessageStore;
  media: MediaStore;
  tokens: TokenRegistry;
  /** The request log, append-only, in arrival order. */
  requests: RecordedRequest[];
  clearRequests(): void;
  faults: FaultInjector;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const config = resolveOptions(options);
  const store = new GroupStore();
  const tokens = new TokenRegistry();
  const log = new RequestLog();
  const faults = new FaultInjector();
  const messages = new MessageStore();
  const demo = config.seedDemo ? seedDemoData(store, tokens, messages) : undefined;
  const later = new DelayedEffects();
  const media = new MediaStore();
  const ctx = { config, store, messages, media, tokens, webhooks: config.webhooks, later };

  const deps = { ctx, log, faults, usage: new UsageMeter(), store, tokens, webhooks: config.webhooks, messages, media, later };
  const server = await listen(deps, config.host, config.port);
  config.logger?.info({ url: server.url, demoGroups: demo?.groupIds.length ?? 0 }, 'sandbox listening');

  return {
    url: server.url,
    close: () => {
      later.close();
      return server.close();
    },
    demoToken: demo?.token,
    demoGroupIds: demo?.groupIds ?? [],
    demoPhoneNumberId: demo?.phoneNumberId,
    demoMessageId: demo?.messageId,
    groups: store,
    messages,
    media,
    tokens,
    requests: log.entries,
    clearRequests: () => log.clear(),
    faults,
  };
}

export type { SandboxLogger, SandboxOptions } from './options.js';
export type { RecordedRequest } from './request-log.js';
export type { Fault, FaultKind, RandomFaults } from './faults.js';
export type {
  GroupStore, StoredGroup, StoredJoinRequest, SeedGroupInput, JoinRequestInput, PictureInfo, JoinApprovalMode, GroupPatch,
  PhoneNumber, GroupCreation, PinnedMessage,
} from './store.js';
export type { WebhookField, WebhookSink } from './webhook-sink.js';
export { noWebhooks } from './webhook-sink.js';
export type { Participant } from './participants.js';
export type { TokenRegistry, TokenGrant } from './tokens.js';
export type { FaultInjector } from './faults.js';
export type { MessageStore, StoredMessage } from './message-store.js';
export { UNDELIVERABLE_WA_ID } from './message-store.js';
export type { MediaStore, StoredMedia } from './media-store.js';
export type { RequestKind } from './routes.js';
export { WebhookDelivery, metaJson, type WebhookDeliveryOptions } from './webhook-delivery.js';
export { encodeGroupId, decodeGroupId } from './ids.js';
