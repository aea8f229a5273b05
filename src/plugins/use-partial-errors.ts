import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../context.js';

/**
 * Adds `context.partialErrors` to the operation's `errors`. A resolver that returns data AND has a
 * failure to report (an update applied in part) records the failure there, so the client gets
 * both, whatever it selected. It must sit before Yoga's error masking, which every user plugin
 * does: masking then turns these into `extensions.code` like any other error.
 */
export function usePartialErrors(): Plugin<GatewayContext> {
  return {
    onExecute({ args }) {
      const context = args.contextValue as Partial<GatewayContext>;
      return {
        onExecuteDone({ result, setResult }) {
          const extra = context.partialErrors;
          if (!extra?.length || Symbol.asyncIterator in result) return;
          setResult({ ...result, errors: [...(result.errors ?? []), ...extra] });
        },
      };
    },
  };
}
