import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { GraphCall, GraphCallObserver } from '../graph/client.js';
import { UpstreamError } from '../graph/errors.js';
import type { GroupCacheObserver } from '../graph/group-cache.js';
import { refusesMechanism } from '../graph/graph-reader.js';
import { THROTTLE_SCOPES, type ThrottleScope } from '../graph/throttle-scopes.js';
import { GRAPH_REQUEST_KINDS, graphRequestKind, type GraphRequestKind } from './graph-request.js';
import { OperationNames } from './operation-names.js';

/** Distinct operation names kept as label values besides the trusted documents' own (see OperationNames). */
export const MAX_OPERATION_NAMES = 100;

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** How one request to the webhook route ended: a fixed set, nothing taken from the request. */
export const WEBHOOK_OUTCOMES = [
  'accepted', 'bad_signature', 'too_large', 'not_json', 'no_secret', 'store_failed', 'aborted', 'method_not_allowed', 'verification_ok', 'verification_refused',
  'busy', 'body_timeout',
] as const;
export type WebhookOutcome = (typeof WEBHOOK_OUTCOMES)[number];

/** Where a message read from Redis that was skipped came from: the pub/sub topic, the event stream, the write ledger. */
export const REDIS_REJECTIONS = ['pubsub', 'stream', 'ledger'] as const;
export type RedisRejection = (typeof REDIS_REJECTIONS)[number];

export interface GatewayMetricsOptions {
  /** Operation names always kept as labels (the trusted documents' names). */
  knownOperationNames?: ReadonlySet<string>;
  /** Process metrics (CPU, memory, event loop lag, GC) from prom-client. Default true. */
  processMetrics?: boolean;
}

/**
 * Every Prometheus metric the gateway exports, in one registry per gateway (served at /metrics by
 * the Prometheus plugin). Other modules record through the methods below, never through prom-client.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly operationNames: OperationNames;

  private readonly operations = new Counter({
    name: 'graphql_operations_total',
    help: 'GraphQL requests by operation name (bounded: see docs/operations.md), type and outcome (OK or the first error code).',
    labelNames: ['operation', 'type', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly operationDuration = new Histogram({
    name: 'graphql_operation_duration_seconds',
    help: 'Time from request to response of GraphQL requests, by operation name, type and outcome.',
    labelNames: ['operation', 'type', 'outcome'] as const,
    buckets: SECONDS,
    registers: [this.registry],
  });
  private readonly graphRequests = new Counter({
    name: 'graph_api_requests_total',
    help: 'Upstream Graph API HTTP requests (every attempt, retries included) by kind and outcome (status class or error code).',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly graphDuration = new Histogram({
    name: 'graph_api_request_duration_seconds',
    help: 'Duration of one upstream Graph API HTTP request (after it got a concurrency slot), by kind.',
    labelNames: ['kind'] as const,
    buckets: SECONDS,
    registers: [this.registry],
  });
  private readonly batchItems = new Histogram({
    name: 'graph_api_batch_items',
    help: 'Groups per upstream batch (kind=batch) or multi-id read (kind=ids).',
    labelNames: ['kind'] as const,
    buckets: [1, 2, 5, 10, 20, 30, 40, 50],
    registers: [this.registry],
  });
  private readonly graphRetries = new Counter({
    name: 'graph_api_retries_total',
    help: 'Upstream reads tried again after a dropped connection, a 5xx or a transient Graph code, by kind.',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  private readonly fallbacks = new Counter({
    name: 'graph_api_fallbacks_total',
    help: 'Group reads re-sent another way: from=batch|ids, reason=refused (the upstream refused the mechanism) or unknown_id (a multi-id read failed on one id).',
    labelNames: ['from', 'reason'] as const,
    registers: [this.registry],
  });
  private readonly throttleRefusals = new Counter({
    name: 'graph_api_throttle_refusals_total',
    help: 'Graph calls answered RATE_LIMITED without an upstream request, because the Graph API throttled their scope (app, phone_number, pair, group) on this or another replica and the wait is not over.',
    labelNames: ['scope'] as const,
    registers: [this.registry],
  });
  private readonly webhooks = new Counter({
    name: 'webhooks_received_total',
    help: 'Webhook deliveries received, by outcome (accepted, or why they were refused).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly events = new Counter({
    name: 'events_published_total',
    help: 'Events published to subscribers, by webhook field.',
    labelNames: ['field'] as const,
    registers: [this.registry],
  });
  private readonly duplicateEvents = new Counter({
    name: 'events_duplicates_total',
    help: 'Webhook group changes dropped as already published (Meta redelivered them, or another replica took them first), by webhook field.',
    labelNames: ['field'] as const,
    registers: [this.registry],
  });
  private readonly tooOldEvents = new Counter({
    name: 'events_too_old_total',
    help: 'Webhook group changes acknowledged and dropped because their timestamp is older than WEBHOOK_MAX_AGE_S, by webhook field.',
    labelNames: ['field'] as const,
    registers: [this.registry],
  });
  private readonly redisRejections = new Counter({
    name: 'redis_messages_rejected_total',
    help: 'Messages read from Redis and skipped (not JSON, wrong shape, no valid MAC, or announcing an event the stream does not hold), by source: pubsub, stream, ledger.',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });
  private readonly subscribers = new Gauge({
    name: 'subscribers_connected',
    help: 'GraphQL subscriptions open now.',
    registers: [this.registry],
  });
  private readonly cacheLookups = new Counter({
    name: 'cache_lookups_total',
    help: 'Cache lookups by cache name and result (hit or miss).',
    labelNames: ['cache', 'result'] as const,
    registers: [this.registry],
  });

  private readonly groupCacheReads = new Counter({
    name: 'group_cache_reads_total',
    help: 'Cacheable group reads (nodes, invite links, first join request pages) by outcome: hit, partial (only missing fields read), miss, or bypass (the cache store unreachable: read upstream).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly groupCacheInvalidations = new Counter({
    name: 'group_cache_invalidations_total',
    help: 'Groups dropped from the group cache for every token, by source: webhook or write.',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });

  constructor({ knownOperationNames, processMetrics = true }: GatewayMetricsOptions = {}) {
    this.operationNames = new OperationNames(MAX_OPERATION_NAMES, knownOperationNames);
    if (processMetrics) collectDefaultMetrics({ register: this.registry });
    // Every kind appears from the start (at 0), so a rate() over it never starts from nothing.
    for (const kind of GRAPH_REQUEST_KINDS) this.graphRetries.inc({ kind }, 0);
    for (const outcome of WEBHOOK_OUTCOMES) this.webhooks.inc({ outcome }, 0);
    for (const source of REDIS_REJECTIONS) this.redisRejections.inc({ source }, 0);
    for (const scope of THROTTLE_SCOPES) this.throttleRefusals.inc({ scope }, 0);
  }

  /**
   * One GraphQL request answered. `operation` is the raw name: it is bounded here, and a new name
   * becomes a label only when `callerKnown` (the Graph API accepted the request's token).
   */
  operationAnswered(operation: string | null | undefined, type: string, outcome: string, seconds: number, callerKnown = false): void {
    const labels = { operation: this.operationNames.label(operation, callerKnown), type, outcome };
    this.operations.inc(labels);
    this.operationDuration.observe(labels, seconds);
  }

  /** Gauges of the upstream concurrency bound, read at each scrape. */
  watchUpstreamLoad(load: () => { inFlight: number; queued: number }): void {
    new Gauge({
      name: 'graph_api_requests_in_flight',
      help: 'Upstream Graph API calls holding a concurrency slot now (UPSTREAM_MAX_CONCURRENCY).',
      registers: [this.registry],
      collect() {
        this.set(load().inFlight);
      },
    });
    new Gauge({
      name: 'graph_api_requests_queued',
      help: 'Upstream Graph API calls waiting for a slot now (UPSTREAM_MAX_QUEUE).',
      registers: [this.registry],
      collect() {
        this.set(load().queued);
      },
    });
  }

  /** What the Graph client reports about each HTTP request it makes. */
  readonly graphObserver: GraphCallObserver = {
    attempt: (call) => {
      const kind = kindOf(call);
      const items = batchSize(call);
      if (items !== undefined) this.batchItems.observe({ kind }, items);
      const end = this.graphDuration.startTimer({ kind });
      return (error) => {
        end();
        this.graphRequests.inc({ kind, outcome: error ? error.code : '2xx' });
        if (!(error instanceof UpstreamError) || (kind !== 'batch' && kind !== 'ids')) return;
        // The same tests, in the same order, as GraphReader's before it reads those ids another way.
        if (kind === 'ids' && error.graph?.code === 803) this.fallbacks.inc({ from: kind, reason: 'unknown_id' });
        else if (refusesMechanism(error, kind)) this.fallbacks.inc({ from: kind, reason: 'refused' });
      };
    },
    retry: (call) => this.graphRetries.inc({ kind: kindOf(call) }),
  };

  /** For the throttle memory: one call refused without going upstream, by the scope that is closed. */
  throttleRefusal(scope: ThrottleScope): void {
    this.throttleRefusals.inc({ scope });
  }

  /** For the webhook receiver: `accepted`, or a short fixed reason such as `bad_signature`. */
  webhookReceived(outcome: WebhookOutcome): void {
    this.webhooks.inc({ outcome });
  }

  /** For the event publisher: one event published, by its webhook field. */
  eventPublished(field: string): void {
    this.events.inc({ field });
  }

  /** For the event publisher: one change not published again (already stored), by its webhook field. */
  eventDuplicate(field: string): void {
    this.duplicateEvents.inc({ field });
  }

  /** For the event publisher: one change older than WEBHOOK_MAX_AGE_S, acknowledged and dropped. */
  eventTooOld(field: string): void {
    this.tooOldEvents.inc({ field });
  }

  /** For the events module: one message read from Redis skipped as not trustworthy. */
  redisMessageRejected(source: RedisRejection): void {
    this.redisRejections.inc({ source });
  }

  subscriberConnected(): void {
    this.subscribers.inc();
  }

  subscriberDisconnected(): void {
    this.subscribers.dec();
  }

  /** What the group cache reports about its reads and invalidations. */
  readonly groupCacheObserver: GroupCacheObserver = {
    lookup: (outcome) => this.groupCacheReads.inc({ outcome }),
    invalidated: (source, groups) => this.groupCacheInvalidations.inc({ source }, groups),
  };

  /** A gauge of whether the group cache serves records now (0: its Redis is unreachable), read at each scrape. */
  watchGroupCache(available: () => boolean): void {
    new Gauge({
      name: 'group_cache_available',
      help: 'Whether the group cache serves records now: 1, or 0 while its store (Redis) is unreachable and reads go to the Graph API.',
      registers: [this.registry],
      collect() {
        this.set(available() ? 1 : 0);
      },
    });
  }

  cacheLookup(cache: string, hit: boolean): void {
    this.cacheLookups.inc({ cache, result: hit ? 'hit' : 'miss' });
  }
}

function kindOf(call: GraphCall): GraphRequestKind {
  return graphRequestKind(call.route);
}

/** Reads in one batched request: the route's slots. */
function batchSize(call: GraphCall): number | undefined {
  return call.route.slots?.length;
}
