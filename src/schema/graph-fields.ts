import { collectSubFields } from '@graphql-tools/utils';
import { BREAK, visit, type FieldNode, type GraphQLObjectType, type GraphQLResolveInfo, type OperationDefinitionNode } from 'graphql';
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
export function selectedGraphFields(info: GraphQLResolveInfo, type: GraphQLObjectType): readonly GraphGroupField[] {
  if (hasVariableConditions(info)) return collectGraphFields(info, type);
  // Without variable-driven @include/@skip the answer depends only on the field nodes, and Yoga
  // caches parsed documents, so the same query string brings the same nodes on every request.
  const first = info.fieldNodes[0];
  if (!first) return collectGraphFields(info, type);
  const cached = fieldsByNode.get(first);
  if (cached && cached.type === type && sameNodes(cached.nodes, info.fieldNodes)) return cached.fields;
  // Frozen: every later request shares this array.
  const fields = Object.freeze(collectGraphFields(info, type));
  fieldsByNode.set(first, { type, nodes: info.fieldNodes, fields });
  return fields;
}

/** Per field node (first of the merged nodes): the result, and the exact nodes and type it was for. */
const fieldsByNode = new WeakMap<FieldNode, { type: GraphQLObjectType; nodes: readonly FieldNode[]; fields: readonly GraphGroupField[] }>();

function sameNodes(a: readonly FieldNode[], b: readonly FieldNode[]): boolean {
  return a.length === b.length && a.every((node, i) => node === b[i]);
}

/** Whether any @include/@skip in the operation or its fragments takes its condition from a variable. */
const variableConditions = new WeakMap<OperationDefinitionNode, boolean>();

function hasVariableConditions(info: GraphQLResolveInfo): boolean {
  let found = variableConditions.get(info.operation);
  if (found === undefined) {
    found = [info.operation, ...Object.values(info.fragments)].some((node) => {
      let conditional = false;
      visit(node, {
        Directive(directive) {
          if ((directive.name.value === 'include' || directive.name.value === 'skip') && directive.arguments?.some((arg) => arg.value.kind === 'Variable')) {
            conditional = true;
            return BREAK;
          }
          return undefined;
        },
      });
      return conditional;
    });
    variableConditions.set(info.operation, found);
  }
  return found;
}

function collectGraphFields(info: GraphQLResolveInfo, type: GraphQLObjectType): GraphGroupField[] {
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
