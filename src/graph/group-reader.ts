import type { BatchMode } from '../config.js';
import type { GraphClient, GraphCredentials } from './client.js';
import { UpstreamError, fromGraphEnvelope, isGraphErrorEnvelope } from './errors.js';
import type { GraphGroup } from './types.js';

/** The Graph API accepts at most 50 operations per batch (notes §5); multi-id reads use the same cap. */
export const MAX_IDS_PER_REQUEST = 50;

/** After the upstream rejects a mechanism, use the next one for this long before trying it again. */
const FALLBACK_MEMORY_MS = 10 * 60_000;

/** Each mechanism falls back to the next: a batch keeps per-id results, `ids` fails whole on one bad id. */
const FALLBACK: Record<BatchMode, BatchMode> = { batch: 'ids', ids: 'single', single: 'single' };

export type GroupResult = GraphGroup | UpstreamError;

export interface GroupReaderOptions {
  mode: BatchMode;
  /** Concurrent per-id requests in 'single' mode (and in fallbacks). */
  singleConcurrency: number;
}

interface BatchItem {
  code: number;
  body: string;
}

/**
 * Reads many groups with as few upstream requests as the configured mechanism allows, one result
 * per id: a group, or that id's own error. Shared by all requests of the process; it only
 * remembers which mechanisms the upstream refused.
 */
export class GroupReader {
  private readonly refusedUntil = new Map<BatchMode, number>();

  constructor(
    private readonly client: GraphClient,
    private readonly options: GroupReaderOptions,
  ) {}

  /** The mechanism in use now: the configured one, or the first fallback the upstream has not recently refused. */
  get mode(): BatchMode {
    let mode = this.options.mode;
    while (mode !== 'single' && (this.refusedUntil.get(mode) ?? 0) > Date.now()) mode = FALLBACK[mode];
    return mode;
  }

  async read(ids: readonly string[], fields: readonly string[], credentials: GraphCredentials): Promise<Map<string, GroupResult>> {
    const results = new Map<string, GroupResult>();
    const chunks: string[][] = [];
    for (let i = 0; i < ids.length; i += MAX_IDS_PER_REQUEST) chunks.push(ids.slice(i, i + MAX_IDS_PER_REQUEST));
    await Promise.all(
      chunks.map(async (chunk) => {
        for (const [id, result] of await this.readChunk(chunk, fields, credentials)) results.set(id, result);
      }),
    );
    return results;
  }

  private async readChunk(ids: string[], fields: readonly string[], credentials: GraphCredentials): Promise<Map<string, GroupResult>> {
    return this.readWith(ids.length === 1 ? 'single' : this.mode, ids, fields, credentials);
  }

  private async readWith(mode: BatchMode, ids: string[], fields: readonly string[], credentials: GraphCredentials): Promise<Map<string, GroupResult>> {
    if (mode === 'single') return this.readEach(ids, fields, credentials);
    try {
      return mode === 'batch'
        ? await this.readBatch(ids, fields, credentials)
        : await this.readIds(ids, fields, credentials);
    } catch (error) {
      if (!(error instanceof UpstreamError)) throw error;
      // #803: some id of a multi-id read is unknown; the mechanism works, ask per id to learn which.
      if (mode === 'ids' && error.graph?.code === 803) return this.readEach(ids, fields, credentials);
      if (!isMechanismRefusal(error)) return new Map(ids.map((id) => [id, error]));
      this.refusedUntil.set(mode, Date.now() + FALLBACK_MEMORY_MS);
      return this.readWith(FALLBACK[mode], ids, fields, credentials);
    }
  }

  /** `POST /{v}/` with `batch=[…]`: one request, one result (or error) per id (notes §5). */
  private async readBatch(ids: string[], fields: readonly string[], credentials: GraphCredentials) {
    const query = fieldsQuery(fields);
    const batch = ids.map((id) => ({
      method: 'GET',
      relative_url: `${this.client.version}/${encodeURIComponent(id)}${query ? `?${query}` : ''}`,
    }));
    const answer = await this.client.call<unknown>(
      // A batch of GETs reads only: as safe to repeat as a GET.
      { method: 'POST', path: '/', body: { form: { batch: JSON.stringify(batch), include_headers: 'false' } }, retry: 'read' },
      credentials,
    );
    // Not a refusal of the mechanism (that is a 4xx envelope): a broken answer, like an empty 204.
    if (!Array.isArray(answer) || answer.length !== ids.length) {
      throw new UpstreamError('UPSTREAM_ERROR', 'The Graph API did not answer the batch request with one result per operation');
    }
    return new Map(ids.map((id, i) => [id, batchItemResult(answer[i] as BatchItem | null, id)]));
  }

  /** `GET /{v}/?ids=a,b&fields=…`: one request, an object keyed by id (notes §5). */
  private async readIds(ids: string[], fields: readonly string[], credentials: GraphCredentials) {
    const answer = await this.client.call<Record<string, unknown>>(
      { method: 'GET', path: '/', query: { ids: ids.join(','), ...(fields.length ? { fields: fields.join(',') } : {}) }, retry: 'read' },
      credentials,
    );
    return new Map(ids.map((id): [string, GroupResult] => [id, isGroup(answer[id]) ? answer[id] : missing(id)]));
  }

  /** One `GET /{v}/{id}` per id, at most `singleConcurrency` at a time. */
  private async readEach(ids: string[], fields: readonly string[], credentials: GraphCredentials) {
    const results = new Map<string, GroupResult>();
    const queue = [...ids];
    const worker = async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        results.set(id, await this.readOne(id, fields, credentials));
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.singleConcurrency, ids.length) }, worker));
    return results;
  }

  private async readOne(id: string, fields: readonly string[], credentials: GraphCredentials): Promise<GroupResult> {
    try {
      const query = fields.length ? { fields: fields.join(',') } : undefined;
      const answer = await this.client.call<unknown>(
        { method: 'GET', path: `/${encodeURIComponent(id)}`, ...(query ? { query } : {}), retry: 'read' },
        credentials,
      );
      // An empty 2xx (a 204, say) is not a group: say so rather than resolve every field to null.
      if (!isGroup(answer)) return new UpstreamError('UPSTREAM_ERROR', `The Graph API answered group ${id} without a group object`);
      return answer;
    } catch (error) {
      if (error instanceof UpstreamError) return error;
      throw error;
    }
  }
}

function fieldsQuery(fields: readonly string[]): string {
  return fields.length ? new URLSearchParams({ fields: fields.join(',') }).toString() : '';
}

/** A batch item is `{code, body}` with the body as a JSON string; `null` when Graph ran out of time (notes §5). */
function batchItemResult(item: BatchItem | null | undefined, id: string): GroupResult {
  if (!item) return new UpstreamError('UPSTREAM_TIMEOUT', `The Graph API did not finish reading group ${id} within the batch`, undefined, undefined, true);
  let body: unknown;
  try {
    body = JSON.parse(item.body);
  } catch {
    return new UpstreamError('UPSTREAM_ERROR', `The Graph API answered group ${id} in the batch with a body that is not JSON`);
  }
  if (isGraphErrorEnvelope(body)) return fromGraphEnvelope(body, item.code);
  if (item.code < 200 || item.code >= 300 || !isGroup(body)) {
    return new UpstreamError('UPSTREAM_ERROR', `The Graph API answered group ${id} in the batch with HTTP ${item.code}`);
  }
  return body as GraphGroup;
}

function isGroup(value: unknown): value is GraphGroup {
  return typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string';
}

function missing(id: string): UpstreamError {
  return new UpstreamError('NOT_FOUND', `Group ${id} was not in the Graph API's answer`);
}

/**
 * The upstream refused the mechanism itself (a 4xx that is not about the token, a permission, or
 * throttling): fall back to per-id reads. Auth, throttling and outages apply to every id instead.
 */
export function isMechanismRefusal(error: UpstreamError): boolean {
  return error.code === 'BAD_USER_INPUT';
}
