import {
  GraphQLError,
  Kind,
  getOperationAST,
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { getVariableValues } from 'graphql/execution/values.js';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { Plugin } from 'graphql-yoga';
import { fragmentsOf } from './fragments-of.js';

/** Per operation node (one per parsed document and operation): uses so far, then its compiled form (null: not compilable). */
interface OperationEntry {
  uses: number;
  compiled?: CompiledQuery | null;
}

/** A document is compiled on its second use: a caller sending a new query every time costs no compilation. */
const COMPILE_ON_USE = 2;

/**
 * Queries run as JavaScript compiled once per parsed document (graphql-jit) instead of through
 * graphql-js's generic executor: the same resolvers, context, `info` and results, with less work
 * per field. What stays on graphql-js:
 * - mutations and subscriptions: graphql-jit reports invalid input objects and Upload variables
 *   with other messages than graphql-js, and writes are bound by the Graph API, not by execution;
 * - variables that graphql-js's coercion refuses: its error messages are the ones callers get;
 * - a document's first use (compiling costs more than executing once, and a caller sending a new
 *   document every time must not make the gateway compile every time);
 * - a document graphql-jit cannot compile.
 * Field errors get back the field nodes graphql-jit leaves out (masking rebuilds errors from their
 * nodes: without them an error would lose its `locations`), and results keep graphql-js's
 * shape (`errors` before `data`): a caller cannot tell which executor answered
 * (test/gateway/compiled-execution.test.ts). Parsed documents are cached by Yoga
 * (src/document-cache.ts), so the compiled code is found by operation node identity and lives as
 * long as the document stays cached.
 */
export function useCompiledExecution(): Plugin {
  const entries = new WeakMap<OperationDefinitionNode, OperationEntry>();
  return {
    onExecute({ args, setExecuteFn }) {
      const operation = getOperationAST(args.document, args.operationName);
      if (operation?.operation !== 'query') return;
      let entry = entries.get(operation);
      if (!entry) entries.set(operation, (entry = { uses: 0 }));
      if (entry.compiled === undefined && ++entry.uses >= COMPILE_ON_USE) {
        const result = compileQuery(args.schema, args.document, args.operationName ?? undefined);
        entry.compiled = isCompiledQuery(result) ? result : null;
      }
      const compiled = entry.compiled;
      if (!compiled) return;
      // graphql-jit coerces the variables again by itself; only values graphql-js accepts get there.
      if (operation.variableDefinitions?.length && 'errors' in getVariableValues(args.schema, operation.variableDefinitions, args.variableValues ?? {}, { maxErrors: 1 })) return;
      const document = args.document;
      setExecuteFn((executeArgs) => {
        const result = compiled.query(executeArgs.rootValue, executeArgs.contextValue, executeArgs.variableValues);
        return result instanceof Promise ? result.then((settled) => asGraphQLJs(settled, document, operation)) : asGraphQLJs(result, document, operation);
      });
    },
  };
}

/** graphql-js's result shape: `errors` first, each field error located at its field in the document. */
function asGraphQLJs(result: ExecutionResult, document: DocumentNode, operation: OperationDefinitionNode): ExecutionResult {
  if (!result.errors?.length) return result;
  const errors = result.errors.map((error) => (error.nodes?.length || !error.path ? error : located(error, fieldNodesAt(document, operation, error.path))));
  return { errors, data: result.data };
}

function located(error: GraphQLError, nodes: readonly FieldNode[]): GraphQLError {
  if (nodes.length === 0) return error;
  return new GraphQLError(error.message, { nodes, path: error.path, originalError: error.originalError ?? undefined, extensions: error.extensions });
}

/** The field nodes a response path names (aliases and fragments followed), as graphql-js merges them. */
function fieldNodesAt(document: DocumentNode, operation: OperationDefinitionNode, path: readonly (string | number)[]): FieldNode[] {
  const fragments = fragmentsOf(document);
  let selectionSets: readonly SelectionSetNode[] = [operation.selectionSet];
  let nodes: FieldNode[] = [];
  for (const key of path) {
    if (typeof key === 'number') continue;
    nodes = selectionSets.flatMap((set) => fieldsNamed(set, key, fragments));
    selectionSets = nodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
  }
  return nodes;
}

function fieldsNamed(set: SelectionSetNode, responseKey: string, fragments: Map<string, FragmentDefinitionNode>, seen = new Set<string>()): FieldNode[] {
  const found: FieldNode[] = [];
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      if ((selection.alias ?? selection.name).value === responseKey) found.push(selection);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      found.push(...fieldsNamed(selection.selectionSet, responseKey, fragments, seen));
    } else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      if (fragment) found.push(...fieldsNamed(fragment.selectionSet, responseKey, fragments, seen));
    }
  }
  return found;
}
