import type { GraphQLError } from 'graphql';
import { credentialsOf } from './credentials.js';
import { GatewayError } from './errors.js';
import type { GraphClient, GraphCredentials } from './graph/client.js';
import type { GroupCache } from './graph/group-cache.js';
import type { GroupChangeListener } from './graph/group-changes.js';
import { readGroupList } from './graph/group-lists.js';
import type { GraphRoute } from './graph/route.js';
import { createGroupLoader, type GroupLoader } from './graph/group-loader.js';
import { GroupWriter, type GroupWrites } from './graph/group-writes.js';
import type { GraphReader } from './graph/graph-reader.js';
import { LifecycleWriter } from './graph/lifecycle-writes.js';
import { MediaUploader } from './graph/media-uploads.js';
import { MessageSender } from './graph/message-sends.js';
import type { Connection, PageRequest } from './graph/paging.js';
import { createReadLoader, type ReadLoader } from './graph/read-loader.js';
import type { GraphGroup } from './graph/types.js';
import { operationSignal, traceOf } from './request-state.js';
import type { GroupEvents } from './events/group-events.js';
import type { TokenFingerprint } from './graph/token-fingerprint.js';

/** What every resolver gets. */
export interface GatewayContext {
  /** This request's way to the Graph API: loaders and writers made on first use. */
  readonly graph: GraphSession;
  /**
   * Errors of fields that still return data (an update that was only partly applied). They are
   * added to the response's `errors` by the usePartialErrors plugin, and masked like any other.
   */
  readonly partialErrors: GraphQLError[];
  /** Group events (subscriptions); undefined in contexts built without them. */
  readonly groupEvents?: GroupEvents | undefined;
  /** A one-way digest of this request's token: whose writes and reads these are. */
  readonly callerFingerprint?: string | undefined;
}

export interface ContextDependencies {
  reader: GraphReader;
  client: GraphClient;
  /** WHATSAPP_ACCESS_TOKEN: used when a request carries no Authorization header. */
  defaultAccessToken: string | undefined;
  /** Told of each accepted write, so the caller receives the events it causes. */
  events?: GroupEvents | undefined;
  /** The caller's fingerprint, keyed with the key the replicas share (it is kept in Redis). */
  fingerprint: TokenFingerprint;
  /** The group cache (GROUP_CACHE_TTL_MS > 0): below the read loader, dropped by every write. */
  groupCache?: GroupCache | undefined;
  /** INVITE_SEND_CONCURRENCY: sends of one invite operation in flight at once. Default 4. */
  inviteSendConcurrency?: number | undefined;
}

/**
 * One request's capabilities, each created on first use from the credentials decided once for the
 * request. Without credentials, using any of them throws UNAUTHENTICATED (a field error, and no
 * upstream call), while operations that need none (introspection, `__typename`) run as usual.
 * Resolvers read and write through these only: the client, the credentials and the group cache
 * stay in here, and every writer drops (and primes) what it changed itself. Adding a capability is
 * one getter here.
 */
export class GraphSession implements GroupChangeListener {
  private readonly made = new Map<string, unknown>();

  constructor(
    private readonly dependencies: ContextDependencies,
    private readonly caller: GraphCredentials | GatewayError,
  ) {}

  /** Every GET of this request (group nodes and edges), coalesced into batch requests, above the group cache. */
  get reads(): ReadLoader {
    return this.once('reads', () => createReadLoader(this.dependencies.reader, this.credentials(), this.dependencies.groupCache));
  }

  /** Group nodes by id and selected fields, merged per id, on top of `reads`. */
  get groups(): GroupLoader {
    return this.once('groups', () => createGroupLoader(this.reads));
  }

  /** Group settings writes: update (text, picture) and delete. */
  get groupWriter(): GroupWrites {
    return this.once('groupWriter', () => new GroupWriter(this.dependencies.client, this.credentials(), this));
  }

  /** Group lifecycle writes: create, invite link reset, participant removal, join requests. */
  get lifecycleWriter(): LifecycleWriter {
    return this.once('lifecycleWriter', () => new LifecycleWriter(this.dependencies.client, this.credentials(), this));
  }

  /** Messages: group sends (text, media, template), invite links to people, pins. A send changes no group data. */
  get messageSender(): MessageSender {
    return this.once('messageSender', () => new MessageSender(this.dependencies.client, this.credentials()));
  }

  /** Media uploads (`POST /{phone-number-id}/media`), whose ids messages then name. */
  get mediaUploader(): MediaUploader {
    return this.once('mediaUploader', () => new MediaUploader(this.dependencies.client, this.credentials()));
  }

  /** How many invite sends of one operation may be in flight at once. */
  get inviteSendConcurrency(): number {
    return this.dependencies.inviteSendConcurrency ?? 4;
  }

  /** One page of a phone number's active groups (a list read: no loader batches it). */
  groupList(phoneNumberId: string, request: PageRequest): Promise<Connection<GraphGroup>> {
    return readGroupList(this.dependencies.client, this.credentials(), phoneNumberId, request);
  }

  /** Forgets what this request read so far (a subscription reads each event's group afresh). */
  forgetReads(): void {
    this.peek<GroupLoader>('groups')?.clearAll();
    this.peek<ReadLoader>('reads')?.clearAll();
  }

  /**
   * A writer changed this group (GroupChangeListener): later reads of this request ask again, or
   * see what the write answered (the new invite link), and the group cache drops the group for
   * every token before the mutation returns. A cache that cannot be reached keeps the
   * invalidation for later and serves nothing meanwhile (see GroupCache.invalidate).
   */
  async changed(groupId: string, known?: { inviteLink?: string }): Promise<void> {
    this.peek<GroupLoader>('groups')?.forget(groupId);
    this.peek<ReadLoader>('reads')?.forget(groupId);
    if (known?.inviteLink !== undefined) this.reads.prime({ id: groupId, edge: 'invite_link', params: {} }, { messaging_product: 'whatsapp', invite_link: known.inviteLink });
    await this.dependencies.groupCache?.invalidate([groupId], 'write').catch(() => undefined);
  }

  private credentials(): GraphCredentials {
    if (this.caller instanceof GatewayError) throw this.caller;
    return this.caller;
  }

  private peek<T>(name: string): T | undefined {
    return this.made.get(name) as T | undefined;
  }

  private once<T>(name: string, make: () => T): T {
    if (!this.made.has(name)) this.made.set(name, make());
    return this.made.get(name) as T;
  }
}

/**
 * Builds the per-request context. The credentials are decided once: the request's `Authorization:
 * Bearer`, else the configured default. Nothing is shared between requests.
 */
export function createContextFactory(dependencies: ContextDependencies) {
  return ({ request }: { request: Request }): GatewayContext => {
    const token = credentialsOf(request, dependencies.defaultAccessToken);
    const events = dependencies.events;
    if (token instanceof GatewayError) return { graph: new GraphSession(dependencies, token), partialErrors: [], groupEvents: events };
    const callerFingerprint = dependencies.fingerprint(token);
    const onWrite = events && ((write: { route: GraphRoute; answer: unknown }) => events.recordWrite(callerFingerprint, write));
    // The signal aborts when the client goes away or the operation's time (OPERATION_TIMEOUT_MS) is up;
    // the trace (begun by the logging plugin) sends the request id upstream and counts the Graph calls.
    const caller = { token, fingerprint: callerFingerprint, signal: operationSignal(request), trace: traceOf(request), onWrite };
    return { graph: new GraphSession(dependencies, caller), partialErrors: [], groupEvents: events, callerFingerprint };
  };
}
