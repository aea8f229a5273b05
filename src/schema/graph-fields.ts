import { collectSubFields } from '@graphql-tools/utils';
import { BREAK, visit, type FieldNode, type GraphQLObjectType, type GraphQLResolveInfo, type OperationDefinitionNode } from 'graphql';
import type { GraphGroupField } from '../graph/types.js';

/**
 * Set on a GraphQL field of a Graph-backed type: the Graph fields of the node it needs
 * (`extensions.graph`), or that it is read from an edge of the node (`extensions.graphEdge`).
 */
// A type alias, not an interface: Pothos wants extensions with an index signature.
export type GraphFieldExtension = { graph?: readonly GraphGroupField[]; graphEdge?: true };

/** Pothos field options that mark a field as backed by these Graph fields. */
export function fromGraph(...graph: GraphGroupField[]): { extensions: GraphFieldExtension } {
  return { extensions: { graph } };
}

/** Pothos field options that mark a field as read from an edge (`{id}/invite_link`), not from the node. */
export function fromGraphEdge(): { extensions: GraphFieldExtension } {
  return { extensions: { graphEdge: true } };
}

/** What a selection needs from the Graph API: node fields (always with `id`), and whether any edge. */
export interface GraphSelection {
  readonly fields: readonly GraphGroupField[];
  readonly edges: boolean;
}

// @graphql-tools/utils 12 reads `{ coerced }` (not the plain values) and memoizes on argument
// identity: one wrapper per operation's variables keeps its cache warm across resolvers.
const wrappedVariables = new WeakMap<object, { coerced: Record<string, unknown>; sources: Record<string, never> }>();

/**
 * The Graph `fields` the operation selects under `type` at this resolver (or under `fieldNodes`),
 * through fragments, inline fragments, aliases and `@include`/`@skip`, always with `id`; and whether
 * an edge is selected.
 */
export function selectedGraph(info: GraphQLResolveInfo, type: GraphQLObjectType, fieldNodes: readonly FieldNode[] = info.fieldNodes): GraphSelection {
  if (hasVariableConditions(info)) return collectGraphSelection(info, type, fieldNodes);
  // Without variable-driven @include/@skip the answer depends only on the field nodes, and Yoga
  // caches parsed documents, so the same query string brings the same nodes on every request.
  const first = fieldNodes[0];
  if (!first) return collectGraphSelection(info, type, fieldNodes);
  const cached = fieldsByNode.get(first);
  if (cached && cached.type === type && sameNodes(cached.nodes, fieldNodes)) return cached.selection;
  // Frozen: every later request shares it.
  const selection = collectGraphSelection(info, type, fieldNodes);
  fieldsByNode.set(first, { type, nodes: fieldNodes, selection });
  return selection;
}

/** Per field node (first of the merged nodes): the result, and the exact nodes and type it was for. */
const fieldsByNode = new WeakMap<FieldNode, { type: GraphQLObjectType; nodes: readonly FieldNode[]; selection: GraphSelection }>();

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

function collectGraphSelection(info: GraphQLResolveInfo, type: GraphQLObjectType, fieldNodes: readonly FieldNode[]): GraphSelection {
  let variables = wrappedVariables.get(info.variableValues);
  if (!variables) {
    variables = { coerced: info.variableValues, sources: {} };
    wrappedVariables.set(info.variableValues, variables);
  }
  const { fields } = collectSubFields(info.schema, info.fragments, variables, type, fieldNodes as FieldNode[]);
  const typeFields = type.getFields();
  const graphFields = new Set<GraphGroupField>(['id']);
  let edges = false;
  for (const nodes of fields.values()) {
    const name = nodes[0]?.name.value;
    const extension = name ? (typeFields[name]?.extensions as Partial<GraphFieldExtension> | undefined) : undefined;
    for (const field of extension?.graph ?? []) graphFields.add(field);
    if (extension?.graphEdge) edges = true;
  }
  return Object.freeze({ fields: Object.freeze([...graphFields].sort()), edges });
}
