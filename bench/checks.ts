/**
 * Checks that need a few requests rather than a load run: that a baseline makes the same
 * upstream calls as the gateway does for its scenario, that field pushdown pays, and how many
 * upstream requests `_entities` needs per representation.
 */
import type { LoggedRequest, SandboxAdmin } from './sandbox-admin.js';
import { checkOnce } from './measure.js';
import { entities, graphql, type Fixture, type HttpCall } from './scenarios.js';

/** What one call sent upstream: `kind ids×N fields=a,b` per request, in order. */
export async function upstreamOf(sandbox: SandboxAdmin, baseUrl: string, call: HttpCall): Promise<string[]> {
  await sandbox.clearRequests();
  const problem = await checkOnce({ call, baseUrl });
  if (problem) throw new Error(problem);
  const log = await sandbox.requests();
  await sandbox.clearRequests();
  return log.map(describe);
}

function describe(entry: LoggedRequest): string {
  return `${entry.method} ${entry.kind} ids×${entry.ids.length} fields=${entry.fields?.join(',') ?? '-'}`;
}

export interface PushdownCheck {
  subjectOnlyBytesPerOp: number;
  allFieldsBytesPerOp: number;
  ratio: number;
}

const ALL_FIELDS =
  'id messagingProduct subject description suspended joinApprovalMode creationTimestamp createdAt ' +
  'participants { waId userId parentUserId username } totalParticipantCount';

/** Upstream response bytes for `group(id) { subject }` against the same lookup selecting every field. */
export async function pushdown(sandbox: SandboxAdmin, gatewayUrl: string, f: Fixture, repeat = 20): Promise<PushdownCheck> {
  const bytesPerOp = async (selection: string) => {
    const call = graphql(f, `query P($id: ID!) { group(id: $id) { ${selection} } }`, { id: f.groupIds[0] });
    await sandbox.clearRequests();
    for (let i = 0; i < repeat; i++) {
      const problem = await checkOnce({ call, baseUrl: gatewayUrl });
      if (problem) throw new Error(problem);
    }
    const totals = await sandbox.totals();
    await sandbox.clearRequests();
    return (totals.bodyBytes + totals.responseBytes) / repeat;
  };
  const subjectOnlyBytesPerOp = await bytesPerOp('subject');
  const allFieldsBytesPerOp = await bytesPerOp(ALL_FIELDS);
  return { subjectOnlyBytesPerOp, allFieldsBytesPerOp, ratio: subjectOnlyBytesPerOp / allFieldsBytesPerOp };
}

export interface EntitiesCheck {
  representations: number;
  upstreamRequests: number;
  requests: string[];
}

/** One `_entities` operation with many representations: how many upstream requests it costs. */
export async function entitiesFanIn(sandbox: SandboxAdmin, gatewayUrl: string, f: Fixture, ids: readonly string[]): Promise<EntitiesCheck> {
  const requests = await upstreamOf(sandbox, gatewayUrl, entities(f, ids, 'id subject'));
  return { representations: ids.length, upstreamRequests: requests.length, requests };
}
