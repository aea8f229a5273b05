import SchemaBuilder from '@pothos/core';
import DirectivesPlugin from '@pothos/plugin-directives';
import FederationPlugin from '@pothos/plugin-federation';
import { DateTimeResolver, JSONResolver, URLResolver } from 'graphql-scalars';
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
    // graphql-scalars parses a URL into a WHATWG `URL` (an invalid one is refused before any resolver runs).
    URL: { Input: URL; Output: URL | string };
    JSON: { Input: unknown; Output: unknown };
    // graphql-upload-ts's scalar hands resolvers a promise of the file (its `parseValue` returns `upload.promise`), never a File.
    Upload: { Input: Promise<FileUpload>; Output: never };
  };
}>({
  plugins: [DirectivesPlugin, FederationPlugin],
});

builder.addScalarType('DateTime', DateTimeResolver);
builder.addScalarType('URL', URLResolver);
builder.addScalarType('JSON', JSONResolver);

builder.queryType({ description: 'Reads of WhatsApp groups through the Graph API.' });
builder.mutationType({ description: 'Changes to WhatsApp groups through the Graph API.' });
