import SchemaBuilder from '@pothos/core';
import DirectivesPlugin from '@pothos/plugin-directives';
import FederationPlugin from '@pothos/plugin-federation';
import { DateTimeResolver } from 'graphql-scalars';
import type { GatewayContext } from '../context.js';

/**
 * The Pothos builder. The directives plugin is not optional: without it `@key` and `@link`
 * silently vanish from the printed subgraph SDL. Federation goes last, after plugins that wrap resolvers.
 */
export const builder = new SchemaBuilder<{
  Context: GatewayContext;
  Scalars: { DateTime: { Input: Date; Output: Date } };
}>({
  plugins: [DirectivesPlugin, FederationPlugin],
});

builder.addScalarType('DateTime', DateTimeResolver);

builder.queryType({ description: 'Reads of WhatsApp groups through the Graph API.' });
