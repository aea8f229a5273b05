/**
 * The benchmarked operations, each as the HTTP request a client sends to the gateway and as the
 * REST call(s) the gateway is expected to make for it, which the direct and proxied baselines
 * send instead. `run.ts` checks, before any load, that both produce the same upstream traffic.
 */
import type { LoadRequest } from './load.js';
import { graphqlUpload, multipart } from '../support/multipart.js';

/**
 * direct = the sandbox over REST (floor); proxy = bare node:http + undici (ceiling); plain = plain
 * graphql-yoga + DataLoader (bench/plain-yoga.ts: what GraphQL costs without the gateway's layers);
 * gateway = this gateway. `ab.ts` adds `gatewayB`, a second gateway build, for A/B runs.
 */
export type Target = 'direct' | 'proxy' | 'plain' | 'gateway' | 'gatewayB';
export const TARGETS: readonly Target[] = ['direct', 'proxy', 'plain', 'gateway'];

/** Targets that take the GraphQL operation rather than the REST call(s) it stands for. */
export function speaksGraphql(target: Target): boolean {
  return target === 'plain' || target === 'gateway' || target === 'gatewayB';
}

const PLAIN_SERVES_A_B = { skipped: 'the plain yoga reference serves (a) and (b) only' } as const;
/**
 * (f) and (h) need two upstream calls, the second built from the first one's answer; the bare
 * proxy forwards one call per request, so neither it nor a direct call can do the same work.
 */
const NO_REST_EQUIVALENT = { skipped: 'n/a: 2 dependent upstream calls (a list page, then a batch of its groups); D and P make one' } as const;

export type HttpCall = Pick<LoadRequest, 'method' | 'headers' | 'body' | 'expect'> & { path: string };
export type Built = HttpCall | { skipped: string };

export interface Fixture {
  token: string;
  /** The Graph API version the gateway is configured with (its upstream path prefix). */
  version: string;
  /** Seeded groups (at least 70), each with 8 participants and a description, in seeding order. */
  groupIds: string[];
  /** The business phone number that owns them; it lists them newest first. */
  phoneNumberId: string;
  /** A 1 MiB square JPEG. */
  picture: Buffer;
  mutations: MutationSupport;
}

/** What the gateway's schema offers for (d) and (e): found by introspection, never assumed. */
export interface MutationSupport {
  updateGroup: { selection: string } | { skipped: string };
  upload: { skipped: string } | undefined;
}

/**
 * Scenario keys. To add a row: add its key here and a Scenario to SCENARIOS; `build` returns
 * `{ skipped }` for targets that cannot serve it (plain yoga serves only what bench/plain-yoga.ts
 * implements). Settings, the run loop, the upstream checks and the report pick it up from SCENARIOS.
 */
export type ScenarioKey = 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g' | 'h';

export interface Scenario {
  key: ScenarioKey;
  title: string;
  /** Concurrency for this scenario instead of the run's default. */
  connections?: number;
  /**
   * Memory is what this scenario is judged on: each server is first warmed with one connection
   * (one operation in flight) and its RSS recorded, so growth at full concurrency is measured
   * from a warm process rather than from start-up.
   */
  memory?: true;
  /**
   * Upstream requests the gateway must make per operation. The checks before any load confirm it
   * (needed where no REST baseline exists to compare with) and the report judges each load row.
   */
  upstreamRequests?: number;
  build(target: Target, fixture: Fixture): Built;
}

/** The selection of scenario (a): what the issue names. */
export const GROUP_SELECTION = 'id subject participants { waId }';
/** The Graph fields that selection needs (sorted, as the gateway sends them). */
const GROUP_FIELDS = ['id', 'participants', 'subject'];

const ALIASES = 20;
/** (f): a page of 50 groups with their participants. */
export const PAGE_GROUPS = 50;
/** (h): a page of 20 groups with their pending join requests (fixture.ts seeds them on the newest 20). */
export const JOIN_REQUEST_PAGE = 20;

export const SCENARIOS: readonly Scenario[] = [
  {
    key: 'a',
    title: 'group(id) { id subject participants { waId } }',
    build: (target, f) =>
      speaksGraphql(target)
        ? graphql(f, `query A($id: ID!) { group(id: $id) { ${GROUP_SELECTION} } }`, { id: f.groupIds[0] })
        : restRead(f, f.groupIds[0]!, GROUP_FIELDS),
  },
  {
    key: 'b',
    title: `${ALIASES} aliased group(id) lookups`,
    build: (target, f) => {
      const ids = f.groupIds.slice(0, ALIASES);
      if (!speaksGraphql(target)) return restBatchRead(f, ids, GROUP_FIELDS);
      const lookups = ids.map((id, i) => `g${i}: group(id: ${JSON.stringify(id)}) { ${GROUP_SELECTION} }`);
      return graphql(f, `query B { ${lookups.join(' ')} }`, {});
    },
  },
  {
    key: 'c',
    title: `_entities with ${ALIASES} representations`,
    build: (target, f) => {
      const ids = f.groupIds.slice(0, ALIASES);
      if (!speaksGraphql(target)) return restBatchRead(f, ids, GROUP_FIELDS);
      if (target === 'plain') return PLAIN_SERVES_A_B;
      return entities(f, ids);
    },
  },
  {
    key: 'd',
    title: 'updateGroup(input: { id, subject })',
    build: (target, f) => {
      // Groups past the 20 read ones, so (a)–(c) always read the same data.
      const id = f.groupIds[ALIASES]!;
      const subject = 'Benchmark subject';
      if (!speaksGraphql(target)) return restUpdate(f, id, subject);
      if (target === 'plain') return PLAIN_SERVES_A_B;
      const support = f.mutations.updateGroup;
      if ('skipped' in support) return support;
      return graphql(f, `mutation D($input: UpdateGroupInput!) { updateGroup(input: $input) { ${support.selection} } }`, {
        input: { id, subject },
      });
    },
  },
  {
    key: 'e',
    title: '1 MiB profile picture uploads, 20 at a time',
    connections: 20,
    memory: true,
    build: (target, f) => {
      const id = f.groupIds[ALIASES + 1]!;
      if (!speaksGraphql(target)) return restPicture(f, id);
      if (target === 'plain') return PLAIN_SERVES_A_B;
      const support = f.mutations.updateGroup;
      if ('skipped' in support) return support;
      if (f.mutations.upload) return f.mutations.upload;
      const query = `mutation E($id: ID!, $picture: Upload!) { updateGroup(input: { id: $id, profilePicture: $picture }) { ${support.selection} } }`;
      const form = graphqlUpload(query, { id }, 'picture', { name: '0', value: f.picture, filename: 'picture.jpg', contentType: 'image/jpeg' });
      return {
        method: 'POST',
        path: '/graphql',
        // Multipart requests must carry a CSRF-prevention header.
        headers: { ...auth(f), 'content-type': form.contentType, 'x-graphql-yoga-csrf': '1' },
        body: form.body,
        expect: 'graphql-data',
      };
    },
  },
  {
    key: 'f',
    title: `groups(first: ${PAGE_GROUPS}) { nodes { ${GROUP_SELECTION} } }`,
    upstreamRequests: 2,
    build: (target, f) => {
      if (!speaksGraphql(target)) return NO_REST_EQUIVALENT;
      if (target === 'plain') return PLAIN_SERVES_A_B;
      return graphql(f, `query F($phone: ID!) { groups(phoneNumberId: $phone, first: ${PAGE_GROUPS}) { nodes { ${GROUP_SELECTION} } } }`, {
        phone: f.phoneNumberId,
      });
    },
  },
  {
    key: 'g',
    title: `${ALIASES} aliased group(id) { inviteLink }`,
    upstreamRequests: 1,
    build: (target, f) => {
      const ids = f.groupIds.slice(0, ALIASES);
      if (!speaksGraphql(target)) return restBatch(f, ids.map((id) => `${encodeURIComponent(id)}/invite_link`));
      if (target === 'plain') return PLAIN_SERVES_A_B;
      // Only the edge is selected: the gateway reads `invite_link`, not the node.
      const lookups = ids.map((id, i) => `g${i}: group(id: ${JSON.stringify(id)}) { inviteLink }`);
      return graphql(f, `query G { ${lookups.join(' ')} }`, {});
    },
  },
  {
    key: 'h',
    title: `groups(first: ${JOIN_REQUEST_PAGE}) { nodes { joinRequests { nodes { id } } } }`,
    upstreamRequests: 2,
    build: (target, f) => {
      if (!speaksGraphql(target)) return NO_REST_EQUIVALENT;
      if (target === 'plain') return PLAIN_SERVES_A_B;
      return graphql(
        f,
        `query H($phone: ID!) { groups(phoneNumberId: $phone, first: ${JOIN_REQUEST_PAGE}) { nodes { joinRequests { nodes { id } } } } }`,
        { phone: f.phoneNumberId },
      );
    },
  },
];

export function graphql(f: Fixture, query: string, variables: Record<string, unknown>): HttpCall {
  return {
    method: 'POST',
    path: '/graphql',
    headers: { ...auth(f), 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify({ query, variables })),
    expect: 'graphql-data',
  };
}

export function entities(f: Fixture, ids: readonly string[], selection = GROUP_SELECTION): HttpCall {
  const query = `query C($representations: [_Any!]!) { _entities(representations: $representations) { ... on Group { ${selection} } } }`;
  return graphql(f, query, { representations: ids.map((id) => ({ __typename: 'Group', id })) });
}

function auth(f: Fixture): Record<string, string> {
  return { authorization: `Bearer ${f.token}` };
}

/** `GET /{v}/{id}?fields=…`: what the gateway sends for one group. */
function restRead(f: Fixture, id: string, fields: readonly string[]): HttpCall {
  const query = new URLSearchParams({ fields: fields.join(',') });
  return { method: 'GET', path: `/${f.version}/${encodeURIComponent(id)}?${query}`, headers: auth(f), expect: 'rest' };
}

/** `POST /{v}/` with `batch=[…]` of group reads: the one request the gateway sends for many groups. */
function restBatchRead(f: Fixture, ids: readonly string[], fields: readonly string[]): HttpCall {
  const query = new URLSearchParams({ fields: fields.join(',') });
  return restBatch(f, ids.map((id) => `${encodeURIComponent(id)}?${query}`));
}

/** `POST /{v}/` with `batch=[…]`: one GET per path (relative to the version). */
function restBatch(f: Fixture, paths: readonly string[]): HttpCall {
  const batch = paths.map((path) => ({ method: 'GET', relative_url: `${f.version}/${path}` }));
  return {
    method: 'POST',
    path: `/${f.version}/`,
    headers: { ...auth(f), 'content-type': 'application/x-www-form-urlencoded' },
    body: Buffer.from(new URLSearchParams({ batch: JSON.stringify(batch), include_headers: 'false' }).toString()),
    expect: 'rest',
  };
}

/** `POST /{v}/{id}` with a JSON body (docs/graph-api-facts.md, "Endpoints"). */
function restUpdate(f: Fixture, id: string, subject: string): HttpCall {
  return {
    method: 'POST',
    path: `/${f.version}/${encodeURIComponent(id)}`,
    headers: { ...auth(f), 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify({ messaging_product: 'whatsapp', subject })),
    expect: 'rest',
  };
}

/** `POST /{v}/{id}` multipart with `messaging_product` and the picture as `file` (docs/graph-api-facts.md, "Endpoints"). */
function restPicture(f: Fixture, id: string): HttpCall {
  const form = multipart([
    { name: 'messaging_product', value: 'whatsapp' },
    { name: 'file', value: f.picture, filename: 'picture.jpg', contentType: 'image/jpeg' },
  ]);
  return {
    method: 'POST',
    path: `/${f.version}/${encodeURIComponent(id)}`,
    headers: { ...auth(f), 'content-type': form.contentType },
    body: form.body,
    expect: 'rest',
  };
}
