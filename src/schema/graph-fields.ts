import { collectSubFields } from '@graphql-tools/utils';
import type { FieldNode, GraphQLObjectType, GraphQLResolveInfo } from 'graphql';
import type { GraphGroupField } from '../graph/types.js';

/** Set on a GraphQL field of a Graph-backed type: the Graph fields it needs (`extensions.graph`). */
// A type alias, not an interface: Pothos wants extensions with an index signature.
export type GraphFieldExtension = { graph: readonly GraphGroupField[] };

/** Pothos field options that mark a field as backed by these Graph fields. */
export function fromGraph(...graph: GraphGroupField[]): { extensions: GraphFieldExtension } {
  return { extensions: { graph } };
}

// @graphql-tools/utils 12 reads `{ coerced }` (not the plain values) and memoizes on argument
// identity: one wrapper per operation's variables keeps its cache warm across resolvers.
const wrappedVariables = new WeakMap<object, { coerced: Record<string, unknown>; sources: Record<string, never> }>();

/**
 * The Graph `fields` the operation selects under `type` at this resolver: through fragments, inline
 * fragments, aliases and `@include`/`@skip`. Always includes `id`; `__typename` costs nothing upstream.
 */
export function selectedGraphFields(info: GraphQLResolveInfo, type: GraphQLObjectType): GraphGroupField[] {
  let variables = wrappedVariables.get(info.variableValues);
  if (!variables) {
    variables = { coerced: info.variableValues, sources: {} };
    wrappedVariables.set(info.variableValues, variables);
  }
  const { fields } = collectSubFields(info.schema, info.fragments, variables, type, info.fieldNodes as FieldNode[]);
  const typeFields = type.getFields();
  const graphFields = new Set<GraphGroupField>(['id']);
  for (const nodes of fields.values()) {
    const name = nodes[0]?.name.value;
    const extension = name ? (typeFields[name]?.extensions as Partial<GraphFieldExtension> | undefined) : undefined;
    for (const field of extension?.graph ?? []) graphFields.add(field);
  }
  return [...graphFields].sort();
}
