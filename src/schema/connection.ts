import type { ObjectRef } from '@pothos/core';
import type { Connection, Edge, PageInfo } from '../graph/paging.js';
import { builder } from './builder.js';

type BuilderTypes = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer Types> ? Types : never;

/**
 * Relay-style connections (`edges { cursor node }`, `nodes`, `pageInfo`) over Graph's pages. How an
 * edge's cursor maps back to Graph's page-level cursors is decided in one place: graph/paging.ts.
 */
export const PageInfoRef = builder.objectRef<PageInfo>('PageInfo').implement({
  description: 'Where a page sits in the whole list.',
  fields: (t) => ({
    hasNextPage: t.exposeBoolean('hasNextPage', { nullable: false, description: 'More items follow: page on with `after: endCursor`.' }),
    hasPreviousPage: t.exposeBoolean('hasPreviousPage', { nullable: false, description: 'Items come before: page back with `last` and `before: startCursor`.' }),
    startCursor: t.string({ description: "The first edge's cursor, for `before`.", resolve: (p) => p.startCursor }),
    endCursor: t.string({ description: "The last edge's cursor, for `after`.", resolve: (p) => p.endCursor }),
  }),
});

/** `<Name>Connection` and `<Name>Edge` for a node type. */
export function connectionType<T>(name: string, nodeRef: ObjectRef<BuilderTypes, T>, what: string) {
  const edge = builder.objectRef<Edge<T>>(`${name}Edge`).implement({
    description: `One ${what} in a page, with the cursor that \`after\` accepts to continue after it.`,
    fields: (t) => ({
      cursor: t.exposeString('cursor', { nullable: false, description: 'Opaque; valid for paging now, not for storing.' }),
      node: t.field({ type: nodeRef, nullable: false, resolve: (e) => e.node as never }),
    }),
  });
  return builder.objectRef<Connection<T>>(`${name}Connection`).implement({
    description: `A page of ${what}s.`,
    fields: (t) => ({
      edges: t.field({ type: [edge], nullable: false, resolve: (c) => c.edges }),
      nodes: t.field({ type: [nodeRef], nullable: false, description: 'The same items as `edges`, without cursors.', resolve: (c) => c.edges.map((e) => e.node) as never }),
      pageInfo: t.field({ type: PageInfoRef, nullable: false, resolve: (c) => c.pageInfo }),
    }),
  });
}
