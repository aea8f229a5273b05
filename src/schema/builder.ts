import SchemaBuilder from '@pothos/core';
import DirectivesPlugin from '@pothos/plugin-directives';
import FederationPlugin from '@pothos/plugin-federation';
import { DateTimeResolver } from 'graphql-scalars';
import type { FileUpload } from 'graphql-upload-ts';
import type { GatewayContext } from '../context.js';

/**
 * The Pothos builder. The directives plugin is not optional: without it `@key` and `@link`
 * silently vanish from the printed subgraph SDL. Federation goes last, after plugins that wrap resolvers.
 */
export const builder = new SchemaBuilder<{
  Context: GatewayContext;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    // graphql-upload-ts's scalar hands resolvers a promise of the file (its `parseValue` returns `upload.promise`), never a File.
    Upload: { Input: Promise<FileUpload>; Output: never };
  };
}>({
  plugins: [DirectivesPlugin, FederationPlugin],
});

builder.addScalarType('DateTime', DateTimeResolver);

builder.queryType({ description: 'Reads of WhatsApp groups through the Graph API.' });
builder.mutationType({ description: 'Changes to WhatsApp groups through the Graph API.' });
