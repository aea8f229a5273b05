/**
 * The reference the gateway's own layers are judged against: plain graphql-yoga + DataLoader with
 * hand-written resolvers over the same Graph upstream, and nothing else (no Pothos, no plugins,
 * no logging, no error mapping, no limits). It serves scenario (a) `group(id)` and (b) 20 aliased
 * `group(id)` lookups with the same upstream calls as the gateway: one `GET /{v}/{id}?fields=…`
 * for one id, one `POST /{v}/` batch for several, asking only for the selected fields.
 *
 * Env: UPSTREAM_URL or GRAPH_API_URL (required), GRAPH_API_VERSION (v23.0), PORT (0), HOST (127.0.0.1),
 * UPSTREAM_CONNECTIONS (64).
 */
import { createServer } from 'node:http';
import DataLoader from 'dataloader';
import { Kind, type GraphQLResolveInfo } from 'graphql';
import { createSchema, createYoga } from 'graphql-yoga';
import { Pool } from 'undici';

// GRAPH_API_URL too, so that `npm run bench:ab` can start it as side A in place of a gateway build.
const upstream = process.env.UPSTREAM_URL ?? process.env.GRAPH_API_URL;
if (!upstream) throw new Error('UPSTREAM_URL is required');
const version = process.env.GRAPH_API_VERSION ?? 'v23.0';
const pool = new Pool(upstream, { connections: Number(process.env.UPSTREAM_CONNECTIONS ?? 64), keepAliveTimeout: 30_000 });

interface Group {
  id: string;
  subject?: string;
  description?: string;
  participants?: { wa_id?: string }[];
}

type Context = {
  groups: DataLoader<string, Group>;
};

/** GraphQL field → Graph field. */
const GRAPH_FIELD: Record<string, string> = { id: 'id', subject: 'subject', description: 'description', participants: 'participants' };

async function graph(method: 'GET' | 'POST', path: string, token: string, form?: Record<string, string>): Promise<unknown> {
  const answer = await pool.request({
    method,
    path,
    headers: { authorization: `Bearer ${token}`, ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    body: form ? new URLSearchParams(form).toString() : null,
  });
  const body = await answer.body.json();
  if (answer.statusCode >= 400) throw new Error(`Graph API answered HTTP ${answer.statusCode}`);
  return body;
}

/** Keys are `id|fields`; one batch asks for every id once with the union of the fields. */
function groupLoader(token: string): DataLoader<string, Group> {
  return new DataLoader(async (keys) => {
    const ids = [...new Set(keys.map((key) => key.slice(0, key.indexOf('|'))))];
    const fields = [...new Set(keys.flatMap((key) => key.slice(key.indexOf('|') + 1).split(',')))].sort().join(',');
    const query = `?${new URLSearchParams({ fields })}`;
    const byId = new Map<string, Group | Error>();
    if (ids.length === 1) {
      byId.set(ids[0]!, (await graph('GET', `/${version}/${encodeURIComponent(ids[0]!)}${query}`, token)) as Group);
    } else {
      const batch = ids.map((id) => ({ method: 'GET', relative_url: `${version}/${encodeURIComponent(id)}${query}` }));
      const items = (await graph('POST', `/${version}/`, token, { batch: JSON.stringify(batch), include_headers: 'false' })) as {
        code: number;
        body: string;
      }[];
      ids.forEach((id, i) => {
        const item = items[i];
        byId.set(id, item && item.code === 200 ? (JSON.parse(item.body) as Group) : new Error(`group ${id} failed`));
      });
    }
    return keys.map((key) => byId.get(key.slice(0, key.indexOf('|'))) ?? new Error('missing'));
  });
}

/** The Graph fields the selection under this field needs (plain fields only: what the bench sends). */
function selectedFields(info: GraphQLResolveInfo): string {
  const fields = new Set<string>(['id']);
  for (const node of info.fieldNodes) {
    for (const selection of node.selectionSet?.selections ?? []) {
      if (selection.kind === Kind.FIELD && GRAPH_FIELD[selection.name.value]) fields.add(GRAPH_FIELD[selection.name.value]!);
    }
  }
  return [...fields].sort().join(',');
}

const schema = createSchema<Record<string, unknown> & Context>({
  typeDefs: /* GraphQL */ `
    type Query {
      group(id: ID!): Group
    }
    type Group {
      id: ID!
      subject: String
      description: String
      participants: [GroupParticipant!]
    }
    type GroupParticipant {
      waId: String
    }
  `,
  resolvers: {
    Query: {
      group: (_parent: unknown, args: { id: string }, context: Context, info: GraphQLResolveInfo) =>
        context.groups.load(`${args.id}|${selectedFields(info)}`),
    },
    GroupParticipant: {
      waId: (participant: { wa_id?: string }) => participant.wa_id ?? null,
    },
  },
});

const yoga = createYoga<Record<string, unknown>, Context>({
  schema,
  graphqlEndpoint: '/graphql',
  landingPage: false,
  graphiql: false,
  logging: false,
  context: ({ request }) => ({ groups: groupLoader((request.headers.get('authorization') ?? '').replace(/^Bearer\s+/i, '')) }),
});

const server = createServer(yoga);
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`plain yoga listening on ${typeof address === 'object' && address ? address.port : '?'}\n`);
});

// A clean exit on SIGINT lets --cpu-prof write its profile.
process.once('SIGINT', () => {
  server.close();
  server.closeAllConnections();
  void pool.close().finally(() => process.exit(0));
});
