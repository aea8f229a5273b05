import { createHash, timingSafeEqual } from 'node:crypto';
import { getOperationAST, Kind, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { fragmentsOf } from './fragments-of.js';

/** The request header the federation router sends FEDERATION_SERVICE_TOKEN in. */
export const SERVICE_TOKEN_HEADER = 'x-federation-service-token';

export interface ServiceSdlGuardOptions {
  /** GRAPHQL_INTROSPECTION: while on, `_service` is served to anyone, like `__schema`. */
  introspection: boolean;
  /** FEDERATION_SERVICE_TOKEN; unset: `_service` is refused whenever introspection is off. */
  serviceToken: string | undefined;
}

/**
 * `_service { sdl }` (Apollo Federation) is the whole schema, but a plain field: the introspection
 * rule does not see it. With introspection off it is refused (BAD_USER_INPUT, before anything runs)
 * unless the request carries the router's shared secret; no network, loopback included, is trusted
 * instead (a sidecar or a proxy on the same host would be).
 */
export function useServiceSdlGuard({ introspection, serviceToken }: ServiceSdlGuardOptions): Plugin {
  if (introspection) return {};
  const expected = serviceToken === undefined ? undefined : digest(serviceToken);
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const operation = getOperationAST(args.document, args.operationName);
      if (operation?.operation !== 'query' || !selectsRootField(operation.selectionSet, '_service', fragmentsOf(args.document), new Set())) return;
      const presented = (args.contextValue as { request?: Request } | undefined)?.request?.headers.get(SERVICE_TOKEN_HEADER);
      if (expected && presented && timingSafeEqual(digest(presented), expected)) return;
      setResultAndStopExecution({
        errors: [
          createGraphQLError(`\`_service\` is served only to the federation router while introspection is off (send FEDERATION_SERVICE_TOKEN as ${SERVICE_TOKEN_HEADER})`, {
            extensions: { code: 'BAD_USER_INPUT' },
          }),
        ],
      });
    },
  };
}

/** Whether the selection, through fragments at its own level, selects `name`. */
function selectsRootField(selectionSet: SelectionSetNode, name: string, fragments: Map<string, FragmentDefinitionNode>, seen: Set<string>): boolean {
  return selectionSet.selections.some((selection) => {
    if (selection.kind === Kind.FIELD) return selection.name.value === name;
    if (selection.kind === Kind.INLINE_FRAGMENT) return selectsRootField(selection.selectionSet, name, fragments, seen);
    const fragment = fragments.get(selection.name.value);
    if (!fragment || seen.has(fragment.name.value)) return false;
    seen.add(fragment.name.value);
    return selectsRootField(fragment.selectionSet, name, fragments, seen);
  });
}

/** Same length whatever was sent, so the comparison takes constant time. */
function digest(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}
