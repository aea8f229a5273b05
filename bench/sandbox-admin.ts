/**
 * The sandbox's admin API, as the benchmark uses it: seed groups and a token, and read the
 * request log, which is the record of what went upstream (requests and bytes per operation).
 */

export interface LoggedRequest {
  method: string;
  path: string;
  kind: string;
  ids: string[];
  fields: string[] | null;
  /** A batch's operations, each with the route it would take as a request of its own. */
  batchOps?: { method: string; kind: string }[];
  status: number;
  bodyBytes: number;
  responseBytes: number;
}

export interface UpstreamTotals {
  requests: number;
  /** Request bodies sent to the sandbox. */
  bodyBytes: number;
  /** Response bodies the sandbox answered with. */
  responseBytes: number;
  kinds: Record<string, number>;
}

export class SandboxAdmin {
  constructor(readonly url: string) {}

  async createToken(token: string): Promise<void> {
    await this.send('POST', '/__sandbox/tokens', { token, groups: '*' });
  }

  /** Adds a business phone number whose groups the tokens with `groups: '*'` may list. */
  async addPhoneNumber(id: string): Promise<void> {
    await this.send('POST', '/__sandbox/phone-numbers', { id });
  }

  /** Seeds one group; returns its id. */
  async seedGroup(input: {
    subject: string;
    description: string;
    participants: number;
    phoneNumberId?: string;
    joinApprovalMode?: 'approval_required' | 'auto_approve';
    joinRequests?: number;
  }): Promise<string> {
    const group = (await this.send('POST', '/__sandbox/groups', input)) as { id?: unknown; group?: { id?: unknown } };
    const id = group.id ?? group.group?.id;
    if (typeof id !== 'string') throw new Error(`POST /__sandbox/groups answered without an id: ${JSON.stringify(group).slice(0, 200)}`);
    return id;
  }

  async clearRequests(): Promise<void> {
    await this.send('DELETE', '/__sandbox/requests');
  }

  async requests(): Promise<LoggedRequest[]> {
    const body = (await this.send('GET', '/__sandbox/requests')) as LoggedRequest[] | { requests: LoggedRequest[] };
    return Array.isArray(body) ? body : body.requests;
  }

  async totals(): Promise<UpstreamTotals> {
    const totals: UpstreamTotals = { requests: 0, bodyBytes: 0, responseBytes: 0, kinds: {} };
    for (const entry of await this.requests()) {
      totals.requests++;
      totals.bodyBytes += entry.bodyBytes;
      totals.responseBytes += entry.responseBytes;
      totals.kinds[entry.kind] = (totals.kinds[entry.kind] ?? 0) + 1;
    }
    return totals;
  }

  private async send(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(this.url + path, {
      method,
      ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} → HTTP ${response.status}: ${text.slice(0, 300)}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  }
}
