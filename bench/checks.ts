/**
 * Checks that need a few requests rather than a load run: that a baseline makes the same
 * upstream calls as the gateway does for its scenario, that field pushdown pays, and how many
 * upstream requests `_entities` needs per representation.
 */
import type { LoadGenerator } from './load.js';
import type { LoggedRequest, SandboxAdmin } from './sandbox-admin.js';
import { checkOnce } from './measure.js';
import { cpuSeconds } from '../support/proc-stats.js';
import { entities, graphql, type Fixture, type HttpCall } from './scenarios.js';

/** What one call sent upstream: `kind ids×N fields=a,b` per request, in order (a batch adds its operations' kinds). */
export async function upstreamOf(sandbox: SandboxAdmin, baseUrl: string, call: HttpCall): Promise<string[]> {
  await sandbox.clearRequests();
  const problem = await checkOnce({ call, baseUrl });
  if (problem) throw new Error(problem);
  const log = await sandbox.requests();
  await sandbox.clearRequests();
  return log.map(describe);
}

function describe(entry: LoggedRequest): string {
  const ops = entry.batchOps?.length ? ` [${countKinds(entry.batchOps)}]` : '';
  return `${entry.method} ${entry.kind}${ops} ids×${entry.ids.length} fields=${entry.fields?.join(',') ?? '-'}`;
}

/** `GET read×20`: a batch's operations, counted by method and route. */
function countKinds(ops: readonly { method: string; kind: string }[]): string {
  const counts = new Map<string, number>();
  for (const op of ops) counts.set(`${op.method} ${op.kind}`, (counts.get(`${op.method} ${op.kind}`) ?? 0) + 1);
  return [...counts].map(([kind, n]) => `${kind}×${n}`).join(', ');
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

export interface CpuRatioCheck {
  aMsPerOp: number;
  bMsPerOp: number;
  ratio: number;
}

/**
 * Gateway CPU per operation of two calls on one gateway process, in alternating slices: a ratio of
 * figures from separate rows would mostly measure how busy the shared machine was at each moment.
 */
export async function cpuRatio(
  load: LoadGenerator,
  gateway: { url: string; pid: number },
  calls: { a: HttpCall; b: HttpCall },
  options: { connections: number; seconds: number; rounds: number },
): Promise<CpuRatioCheck> {
  const request = (call: HttpCall, durationSeconds: number) => ({ ...call, url: gateway.url + call.path, connections: options.connections, durationSeconds });
  const tally = { a: { cpu: 0, ops: 0 }, b: { cpu: 0, ops: 0 } };
  for (const key of ['a', 'b'] as const) await load.run(request(calls[key], options.seconds));
  for (let round = 0; round < options.rounds; round++) {
    for (const key of round % 2 === 0 ? (['a', 'b'] as const) : (['b', 'a'] as const)) {
      const before = cpuSeconds(gateway.pid);
      const result = await load.run(request(calls[key], options.seconds));
      tally[key].cpu += cpuSeconds(gateway.pid) - before;
      tally[key].ops += result.ok - result.mismatches;
    }
  }
  const aMsPerOp = (tally.a.cpu / tally.a.ops) * 1000;
  const bMsPerOp = (tally.b.cpu / tally.b.ops) * 1000;
  return { aMsPerOp, bMsPerOp, ratio: bMsPerOp / aMsPerOp };
}
