import type { BatchMode } from '../config.js';
import type { GraphClient, GraphCredentials } from './client.js';
import { UpstreamError, fromGraphEnvelope, isGraphErrorEnvelope } from './errors.js';
import { MechanismMemory, type RefusableMechanism } from './mechanism-memory.js';
import { groupReadRoute } from './route.js';
import { fingerprintOf } from './token-fingerprint.js';

/**
 * At most 50 operations per batch request (Meta, "Batch Requests":
 * https://developers.facebook.com/docs/graph-api/batch-requests); multi-id reads use the same cap.
 */
export const MAX_READS_PER_REQUEST = 50;

/** The edges of a group node that the gateway reads with GET. */
export type GroupEdgeName = 'invite_link' | 'join_requests';

/** One GET: a group node (`{id}?fields=…`) or one of its edges (`{id}/join_requests?limit=…`). */
export interface GraphRead {
  id: string;
  edge?: GroupEdgeName | undefined;
  /** Query parameters: `fields` for a node; `limit`, `after` or `before` for an edge's page. */
  params: Readonly<Record<string, string>>;
}

export type GraphObject = Record<string, unknown>;
export type ReadResult = GraphObject | UpstreamError;

export interface GraphReaderOptions {
  mode: BatchMode;
  /** Concurrent single GETs in 'single' mode and in fallbacks. */
  singleConcurrency: number;
}

interface BatchSlot {
  code: number;
  body: string;
}

/** Each read's URL, made once: the read loader keys its cache by it and the batch sends it. */
const relativeUrls = new WeakMap<GraphRead, string>();

/**
 * A node read's query string for its `fields` list: the lists come from selections cached per
 * query, so a few strings recur on every request (bounded: a query cannot add more than it selects).
 */
const fieldsQueries = new Map<string, string>();
const MAX_FIELDS_QUERIES = 1_000;

/** The read below the version, its parameters sorted: also the read's identity in caches. */
export function relativeUrl(read: GraphRead): string {
  let url = relativeUrls.get(read);
  if (url === undefined) {
    const path = `${encodeURIComponent(read.id)}${read.edge ? `/${read.edge}` : ''}`;
    const query = queryOf(read.params);
    url = query ? `${path}?${query}` : path;
    relativeUrls.set(read, url);
  }
  return url;
}

function queryOf(params: Readonly<Record<string, string>>): string {
  const keys = Object.keys(params);
  if (keys.length === 1 && keys[0] === 'fields') {
    let query = fieldsQueries.get(params.fields!);
    if (query === undefined) {
      query = new URLSearchParams(params).toString();
      if (fieldsQueries.size >= MAX_FIELDS_QUERIES) fieldsQueries.clear();
      fieldsQueries.set(params.fields!, query);
    }
    return query;
  }
  return new URLSearchParams(Object.entries(params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))).toString();
}

/**
 * Reads many GETs (nodes and edges alike) with as few upstream requests as the Graph API allows,
 * one result per read: the answer, or that read's own error.
 *
 * - `batch`: one `POST /{v}/` with `batch=[{method: GET, relative_url}, …]` per 50 reads, one
 *   result per slot. Refused as a mechanism: the same reads go as `ids`, then one by one.
 * - `ids`: node reads with the same `fields` as one `GET /{v}/?ids=a,b` (Meta, "Using the Graph
 *   API", multiple-ID read); edges cannot be read that way and go one by one.
 * - `single`: one GET per read, `singleConcurrency` at a time.
 *
 * Shared by every request of the process. What it remembers is only which mechanisms the Graph API
 * refused, per token fingerprint, so one caller never changes how another caller's reads travel.
 */
export class GraphReader {
  private readonly memory = new MechanismMemory();

  constructor(
    private readonly client: GraphClient,
    private readonly options: GraphReaderOptions,
  ) {}

  /** The mechanism this caller's reads of several ids use now. */
  modeFor(credentials: GraphCredentials): BatchMode {
    const fingerprint = fingerprintOf(credentials);
    let mode = this.options.mode;
    if (mode === 'batch' && this.memory.refused(fingerprint, 'batch')) mode = 'ids';
    if (mode === 'ids' && this.memory.refused(fingerprint, 'ids')) mode = 'single';
    return mode;
  }

  async read(reads: readonly GraphRead[], credentials: GraphCredentials): Promise<ReadResult[]> {
    // A single read is one call, which the client's gate checks itself; several go as one request,
    // so the reads whose scope (a throttled group) is closed are answered here and left out of it.
    if (reads.length <= 1) return this.readOpen(reads, credentials);
    const refusals = await this.client.refusals(reads.map((read) => groupReadRoute(read.id, read.edge)), credentials);
    if (refusals.every((refusal) => refusal === undefined)) return this.readOpen(reads, credentials);
    const open = reads.flatMap((read, i) => (refusals[i] ? [] : [i]));
    const answers = await this.readOpen(open.map((i) => reads[i]!), credentials);
    const results: ReadResult[] = refusals.map((refusal) => refusal!);
    open.forEach((index, k) => (results[index] = answers[k]!));
    return results;
  }

  private async readOpen(reads: readonly GraphRead[], credentials: GraphCredentials): Promise<ReadResult[]> {
    const results = new Array<ReadResult>(reads.length);
    const chunks: number[][] = [];
    for (let i = 0; i < reads.length; i += MAX_READS_PER_REQUEST) {
      chunks.push(Array.from({ length: Math.min(MAX_READS_PER_REQUEST, reads.length - i) }, (_, k) => i + k));
    }
    await Promise.all(
      chunks.map(async (indices) => {
        const chunk = indices.map((i) => reads[i]!);
        const answers = chunk.length === 1 ? [await this.readOne(chunk[0]!, credentials)] : await this.readWith(this.modeFor(credentials), chunk, credentials);
        indices.forEach((index, k) => (results[index] = answers[k]!));
      }),
    );
    return results;
  }

  private async readWith(mode: BatchMode, reads: readonly GraphRead[], credentials: GraphCredentials): Promise<ReadResult[]> {
    if (mode === 'single') return this.readEach(reads, credentials);
    if (mode === 'ids') return this.readByIds(reads, credentials);
    try {
      return await this.readBatch(reads, credentials);
    } catch (error) {
      if (!(error instanceof UpstreamError)) throw error;
      // Token errors, throttling and outages are every read's error, not a reason to switch.
      if (!refusesMechanism(error, 'batch')) return reads.map(() => error);
      this.memory.remember(fingerprintOf(credentials), 'batch');
      return this.readWith(this.modeFor(credentials), reads, credentials);
    }
  }

  /** `POST /{v}/` with `batch=[…]`: one request, one result (or error) per slot. */
  private async readBatch(reads: readonly GraphRead[], credentials: GraphCredentials): Promise<ReadResult[]> {
    const batch = reads.map((read) => ({ method: 'GET', relative_url: `${this.client.version}/${relativeUrl(read)}` }));
    const answer = await this.client.call<unknown>(
      // A batch of GETs only reads: as safe to repeat as a GET.
      {
        method: 'POST',
        path: '/',
        route: { kind: 'groups.batch', template: '/', slots: reads.map((read) => groupReadRoute(read.id, read.edge)) },
        body: { form: { batch: JSON.stringify(batch), include_headers: 'false' } },
        retry: 'read',
      },
      credentials,
    );
    // Not a refusal of the mechanism (that is a 4xx envelope): a broken answer, like an empty 204.
    if (!Array.isArray(answer) || answer.length !== reads.length) {
      throw new UpstreamError('UPSTREAM_ERROR', 'The Graph API did not answer the batch request with one result per operation');
    }
    const results = reads.map((read, i) => slotResult(read, answer[i] as BatchSlot | null | undefined));
    // A slot throttled (131208 for its group, an app limit) closes its scope like a call of its own would.
    return Promise.all(
      results.map((result, i) => (result instanceof UpstreamError && result.code === 'RATE_LIMITED' ? this.client.learn(groupReadRoute(reads[i]!.id, reads[i]!.edge), credentials, result) : result)),
    );
  }

  /** Node reads sharing one `fields` go as one multi-id read each; everything else one by one. */
  private async readByIds(reads: readonly GraphRead[], credentials: GraphCredentials): Promise<ReadResult[]> {
    const results = new Array<ReadResult>(reads.length);
    const byFields = new Map<string, number[]>();
    const others: number[] = [];
    reads.forEach((read, i) => {
      if (read.edge) return others.push(i);
      const fields = read.params.fields ?? '';
      byFields.set(fields, [...(byFields.get(fields) ?? []), i]);
      return undefined;
    });
    const work: Promise<void>[] = [];
    for (const [fields, indices] of byFields) {
      if (indices.length === 1) {
        others.push(indices[0]!);
        continue;
      }
      const group = indices.map((i) => reads[i]!);
      work.push(this.readIds(group, fields, credentials).then((answers) => indices.forEach((index, k) => (results[index] = answers[k]!))));
    }
    const rest = others.map((i) => reads[i]!);
    work.push(this.readEach(rest, credentials).then((answers) => others.forEach((index, k) => (results[index] = answers[k]!))));
    await Promise.all(work);
    return results;
  }

  /** `GET /{v}/?ids=a,b&fields=…`: one request, an object keyed by id. */
  private async readIds(reads: readonly GraphRead[], fields: string, credentials: GraphCredentials): Promise<ReadResult[]> {
    try {
      const answer = await this.client.call<Record<string, unknown>>(
        {
          method: 'GET',
          path: '/',
          route: { kind: 'groups.ids', template: '/', slots: reads.map((read) => groupReadRoute(read.id)) },
          query: { ids: reads.map((r) => r.id).join(','), ...(fields ? { fields } : {}) },
          retry: 'read',
        },
        credentials,
      );
      return reads.map((read) =>
        answer[read.id] === undefined ? new UpstreamError('NOT_FOUND', `Group ${read.id} was not in the Graph API's answer`) : checkedAnswer(read, answer[read.id]),
      );
    } catch (error) {
      if (!(error instanceof UpstreamError)) throw error;
      // #803: some id is unknown. The mechanism works; ask per id to learn which.
      if (error.graph?.code === 803) return this.readEach(reads, credentials);
      if (!refusesMechanism(error, 'ids')) return reads.map(() => error);
      this.memory.remember(fingerprintOf(credentials), 'ids');
      return this.readEach(reads, credentials);
    }
  }

  /** One GET per read, at most `singleConcurrency` at a time. */
  private async readEach(reads: readonly GraphRead[], credentials: GraphCredentials): Promise<ReadResult[]> {
    const results = new Array<ReadResult>(reads.length);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < reads.length; i = next++) results[i] = await this.readOne(reads[i]!, credentials);
    };
    await Promise.all(Array.from({ length: Math.min(this.options.singleConcurrency, reads.length) }, worker));
    return results;
  }

  private async readOne(read: GraphRead, credentials: GraphCredentials): Promise<ReadResult> {
    try {
      const path = `/${encodeURIComponent(read.id)}${read.edge ? `/${read.edge}` : ''}`;
      const hasParams = Object.keys(read.params).length > 0;
      const route = groupReadRoute(read.id, read.edge);
      const answer = await this.client.call<unknown>({ method: 'GET', path, route, ...(hasParams ? { query: { ...read.params } } : {}), retry: 'read' }, credentials);
      return checkedAnswer(read, answer);
    } catch (error) {
      if (error instanceof UpstreamError) return error;
      throw error;
    }
  }
}

/** A slot is `{code, body}` with the body as JSON text; `null` when Graph ran out of time for it. */
function slotResult(read: GraphRead, slot: BatchSlot | null | undefined): ReadResult {
  if (!slot) {
    return new UpstreamError('UPSTREAM_TIMEOUT', `The Graph API did not finish reading ${describe(read)} within the batch`, undefined, undefined, true);
  }
  let body: unknown;
  try {
    body = JSON.parse(slot.body);
  } catch {
    return new UpstreamError('UPSTREAM_ERROR', `The Graph API answered ${describe(read)} in the batch with a body that is not JSON`);
  }
  if (isGraphErrorEnvelope(body)) return fromGraphEnvelope(body, slot.code);
  if (slot.code < 200 || slot.code >= 300) {
    return new UpstreamError('UPSTREAM_ERROR', `The Graph API answered ${describe(read)} in the batch with HTTP ${slot.code}`);
  }
  return checkedAnswer(read, body);
}

/**
 * An answer is only ever returned for the read that asked for it: an object, and for a node, one
 * whose `id` is the id asked for. Anything else (another group's data, a 204's empty body) is this
 * read's error; the other id is not repeated, since it may belong to someone else.
 */
function checkedAnswer(read: GraphRead, body: unknown): ReadResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return new UpstreamError('UPSTREAM_ERROR', `The Graph API answered ${describe(read)} without a JSON object`);
  }
  const id = (body as { id?: unknown }).id;
  if (!read.edge && id === undefined) return new UpstreamError('UPSTREAM_ERROR', `The Graph API answered group ${read.id} without a group object`);
  if (!read.edge && id !== read.id) {
    return new UpstreamError('UPSTREAM_ERROR', `The Graph API answered the read of group ${read.id} with an object that is not that group`);
  }
  return body as GraphObject;
}

function describe(read: GraphRead): string {
  return read.edge ? `the ${read.edge} of group ${read.id}` : `group ${read.id}`;
}

/**
 * The Graph API refused the mechanism itself: a 4xx about the `batch` or `ids` parameter, not one
 * about the token, the app secret proof, an id or a permission (those apply to every read anyway,
 * and a caller can provoke them with its own token).
 */
export function refusesMechanism(error: UpstreamError, mechanism: RefusableMechanism): boolean {
  if (error.code !== 'BAD_USER_INPUT') return false;
  if (mechanism === 'batch') return error.graph?.type === 'GraphBatchException' || /\bbatch\b/i.test(error.message);
  return /\bids\b/i.test(error.message);
}
