import DataLoader from 'dataloader';
import type { GraphQLError } from 'graphql';
import { GatewayError } from './errors.js';
import type { GraphClient } from './graph/client.js';
import { createGroupLoader, type GroupKey, type GroupLoader } from './graph/group-loader.js';
import type { GraphGroup } from './graph/types.js';
import type { GroupReader } from './graph/group-reader.js';
import { GroupWriter, type GroupWrites } from './graph/group-writes.js';
import { currentTrace } from './request-trace.js';
import { tokenFingerprint, type GroupEvents } from './events/group-events.js';

/** What every resolver gets: this request's credentials and its own loaders. */
export interface GatewayContext {
  /** The group loader for this request and its token; without a token every load fails UNAUTHENTICATED. */
  readonly groups: GroupLoader;
  /** Group writes with this request's token; without a token every write fails UNAUTHENTICATED. */
  readonly groupWriter: GroupWrites;
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
  reader: GroupReader;
  client: GraphClient;
  /** WHATSAPP_ACCESS_TOKEN: used when a request carries no Authorization header. */
  defaultAccessToken: string | undefined;
  /** Told of each accepted write, so the caller receives the events it causes. */
  events?: GroupEvents | undefined;
}

/**
 * Builds the per-request context. The token comes from the request's `Authorization: Bearer`, else
 * from the configured default. Without one, operations that read no group (introspection,
 * `__typename`) still run, and every group lookup fails on its own without an upstream call.
 * Nothing is shared between requests.
 */
export function createContextFactory({ reader, client, defaultAccessToken, events }: ContextDependencies) {
  return ({ request }: { request: Request }): GatewayContext => {
    const credentials = credentialsOf(request, defaultAccessToken);
    // Entered by the logging plugin: the request id goes upstream and the Graph calls are counted.
    const trace = currentTrace();
    if (credentials instanceof GatewayError) {
      return { groups: refusingLoader(credentials), groupWriter: refusingWriter(credentials), partialErrors: [], groupEvents: events };
    }
    const callerFingerprint = tokenFingerprint(credentials);
    const onWrite = events && ((write: { path: string; answer: unknown }) => events.recordWrite(callerFingerprint, write));
    const caller = { token: credentials, signal: request.signal, trace, onWrite };
    return {
      groups: createGroupLoader(reader, caller),
      groupWriter: new GroupWriter(client, caller),
      partialErrors: [],
      groupEvents: events,
      callerFingerprint,
    };
  };
}

function refusingLoader(error: GatewayError): GroupLoader {
  const loader = new DataLoader<GroupKey, GraphGroup, string>(async (keys) => keys.map(() => error), { cache: false });
  return Object.assign(loader, { forget: () => undefined });
}

function refusingWriter(error: GatewayError): GroupWrites {
  const refuse = () => Promise.reject(error);
  return { updateText: refuse, updatePicture: refuse, delete: refuse };
}

function credentialsOf(request: Request, defaultAccessToken: string | undefined): string | GatewayError {
  const header = request.headers.get('authorization');
  if (header === null || header.trim() === '') {
    return defaultAccessToken ?? new GatewayError('UNAUTHENTICATED', 'Send `Authorization: Bearer <WhatsApp access token>` (or configure WHATSAPP_ACCESS_TOKEN)');
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? new GatewayError('UNAUTHENTICATED', 'The Authorization header must be `Bearer <WhatsApp access token>`');
}
