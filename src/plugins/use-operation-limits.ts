import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import {
  type ArgumentNode,
  Kind,
  NoSchemaIntrospectionCustomRule,
  getOperationAST,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type GraphQLObjectType,
  type SelectionSetNode,
  valueFromASTUntyped,
  visit,
} from 'graphql';
import { createGraphQLError, type Plugin, type YogaInitialContext } from 'graphql-yoga';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../graph/paging.js';
import { groupIdProblem } from '../graph/group-id.js';
import { fragmentsOf } from './fragments-of.js';

export interface OperationLimitsPluginOptions {
  /** Group ids one operation may look up (MAX_IDS_PER_OPERATION). */
  maxIds?: number;
  /** GRAPHQL_INTROSPECTION: false refuses `__schema`/`__type` (`__typename` stays). */
  introspection?: boolean;
}

/**
 * Refuses operations that are too big for this gateway before anything runs:
 * - graphql-armor (configured explicitly; its defaults refuse our own 120-alias batching case):
 *   tokens while parsing, then aliases, depth, directives and cost while validating, and field
 *   suggestions blocked in validation messages;
 * - a cap on group ids per operation: root query fields with an `id` argument, root mutation
 *   fields, a `groups` page's `first`/`last` (25 when neither is given) and `_entities`
 *   representations (literal lists and variables alike), checked before execution, so no upstream
 *   call is made (graphql-armor's cost also multiplies a literal `first`/`last` into its selection's cost);
 * - every `_entities` representation must be an object whose `id` passes the same rules as
 *   `group(id:)`: `_Any` accepts any JSON, and an array or object id must never reach a URL;
 * - every `first`/`last` in the operation within 1 to 1024;
 * - introspection, when switched off.
 * Every refusal is a GraphQL error that the masking hook gives `BAD_USER_INPUT`.
 */
export function useOperationLimits({ maxIds = 200, introspection = true }: OperationLimitsPluginOptions = {}): Plugin {
  // Each lookup is about `a1: group(id: "…") { id subject … }`: ~10 tokens and 1 alias of its own plus
  // its selection. Derived from the id cap so the cap, not the parser, is what a big batch meets.
  const armor = EnvelopArmorPlugin<YogaInitialContext>({
    maxTokens: { n: Math.max(10_000, maxIds * 50) },
    maxAliases: { n: maxIds + 50 },
    maxDepth: { n: 8, ignoreIntrospection: true },
    maxDirectives: { n: 50 },
    costLimit: { maxCost: Math.max(10_000, maxIds * 60), ignoreIntrospection: true },
    blockFieldSuggestion: { mask: '' },
  });
  return {
    onPluginInit({ addPlugin }) {
      addPlugin(armor);
      if (!introspection) {
        addPlugin({ onValidate: ({ addValidationRule }) => addValidationRule(NoSchemaIntrospectionCustomRule) });
      }
    },
    onExecute({ args, setResultAndStopExecution }) {
      const operation = getOperationAST(args.document, args.operationName);
      const root = operation && args.schema.getRootType(operation.operation);
      if (!operation || !root) return;
      const fragments = fragmentsOf(args.document);
      const sizeProblem = pageSizeProblem(pageSizeArgumentsOf(operation, fragments), args.variableValues ?? {});
      if (sizeProblem) {
        setResultAndStopExecution({ errors: [createGraphQLError(`Invalid page size: ${sizeProblem}`, { extensions: { code: 'BAD_USER_INPUT' } })] });
        return;
      }
      const counter = new LookupCounter(root, fragments, args.variableValues ?? {});
      const ids = counter.count(operation.selectionSet);
      if (counter.representationProblem) {
        setResultAndStopExecution({
          errors: [createGraphQLError(`Invalid _entities representation: ${counter.representationProblem}`, { extensions: { code: 'BAD_USER_INPUT' } })],
        });
        return;
      }
      if (ids > maxIds) {
        setResultAndStopExecution({
          errors: [
            createGraphQLError(
              `The operation looks up ${ids} groups; at most ${maxIds} are allowed per operation (MAX_IDS_PER_OPERATION)`,
              { extensions: { code: 'BAD_USER_INPUT' } },
            ),
          ],
        });
      }
    },
  };
}

/**
 * Root query fields that take an `id` and root mutation fields count one each, `_entities` counts
 * its representations. Fragments
 * are followed, each counted once and memoized: a fragment spread twice in each of 30 nested
 * fragments must not cost 2^30 steps (validation has already refused cycles).
 */
class LookupCounter {
  private readonly fragmentCounts = new Map<string, number>();
  /** The first `_entities` representation that cannot be looked up, and why. */
  representationProblem: string | undefined;

  constructor(
    private readonly root: GraphQLObjectType,
    private readonly fragments: Map<string, FragmentDefinitionNode>,
    private readonly variables: Record<string, unknown>,
  ) {}

  count(selectionSet: SelectionSetNode): number {
    let count = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) count += this.fieldCount(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) count += this.count(selection.selectionSet);
      else count += this.fragmentCount(selection.name.value);
    }
    return count;
  }

  private fieldCount(field: FieldNode): number {
    const name = field.name.value;
    if (name === '_entities') {
      const representations = field.arguments?.find((arg) => arg.name.value === 'representations')?.value;
      if (!representations) return 0;
      // graphql-js input coercion: a single value where a list is expected is a list of one.
      const value: unknown = valueFromASTUntyped(representations, this.variables);
      // Missing or null (a variable not sent): graphql-js's own coercion refuses it with its message.
      if (value === undefined || value === null) return 0;
      const list: unknown[] = Array.isArray(value) ? value : [value];
      this.representationProblem ??= list.map(representationProblem).find((problem) => problem !== undefined);
      return list.length;
    }
    // Every mutation writes (at least) one group; a query field reads one when it takes an `id`, and
    // a page (`groups`) as many as its `first`/`last` asks for.
    if (name.startsWith('__')) return 0;
    if (this.root.name === 'Mutation') return 1;
    const args = this.root.getFields()[name]?.args ?? [];
    if (args.some((arg) => arg.name === 'first')) return pageSize(field, this.variables) ?? DEFAULT_PAGE_SIZE;
    return args.some((arg) => arg.name === 'id') ? 1 : 0;
  }

  private fragmentCount(name: string): number {
    let count = this.fragmentCounts.get(name);
    if (count === undefined) {
      const fragment = this.fragments.get(name);
      this.fragmentCounts.set(name, 0);
      count = fragment ? this.count(fragment.selectionSet) : 0;
      this.fragmentCounts.set(name, count);
    }
    return count;
  }
}

/** A page's `first` or `last`, literal or variable; undefined when neither is given. */
function pageSize(field: FieldNode, variables: Record<string, unknown>): number | undefined {
  for (const arg of field.arguments ?? []) {
    const value = pageSizeOf(arg, variables);
    if (typeof value === 'number') return value;
  }
  return undefined;
}

/** The value of a `first` or `last` argument, literal or variable; undefined for any other argument. */
function pageSizeOf(arg: ArgumentNode, variables: Record<string, unknown>): unknown {
  if (arg.name.value !== 'first' && arg.name.value !== 'last') return undefined;
  return arg.value.kind === Kind.VARIABLE ? variables[arg.value.name.value] : arg.value.kind === Kind.INT ? Number(arg.value.value) : undefined;
}

/** Per operation node: its `first`/`last` arguments (fragments included). Parsed documents are cached, so this walks each once. */
const pageSizeArguments = new WeakMap<OperationDefinitionNode, readonly ArgumentNode[]>();

function pageSizeArgumentsOf(operation: OperationDefinitionNode, fragments: Map<string, FragmentDefinitionNode>): readonly ArgumentNode[] {
  let found = pageSizeArguments.get(operation);
  if (!found) {
    const args: ArgumentNode[] = [];
    const visitor = {
      Argument(arg: ArgumentNode) {
        if (arg.name.value === 'first' || arg.name.value === 'last') args.push(arg);
      },
    };
    for (const node of [operation, ...fragments.values()]) visit(node, visitor);
    found = args;
    pageSizeArguments.set(operation, found);
  }
  return found;
}

/**
 * Every `first`/`last` of the operation (a root page or a nested `joinRequests`) must be 1 to
 * MAX_PAGE_SIZE: checked before execution, so a bad nested page size costs no upstream call either.
 */
function pageSizeProblem(args: readonly ArgumentNode[], variables: Record<string, unknown>): string | undefined {
  for (const arg of args) {
    const value = pageSizeOf(arg, variables);
    if (typeof value === 'number' && (!Number.isInteger(value) || value < 1 || value > MAX_PAGE_SIZE)) {
      return `\`${arg.name.value}\` must be 1 to ${MAX_PAGE_SIZE}; got ${value}`;
    }
  }
  return undefined;
}

function representationProblem(representation: unknown, index: number): string | undefined {
  if (representation === undefined || representation === null) return undefined; // coercion refuses it (`_Any!`)
  if (!representation || typeof representation !== 'object' || Array.isArray(representation)) {
    return `representation ${index} must be an object with __typename and id`;
  }
  const problem = groupIdProblem((representation as { id?: unknown }).id);
  return problem && `the id of representation ${index} is not a group id: ${problem}`;
}
