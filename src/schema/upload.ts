// The root entry, as in plugins/use-uploads.ts: the scalar must know the `Upload` class the parser creates.
import { GraphQLUpload } from 'graphql-upload-ts';
import { builder } from './builder.js';

/**
 * The `Upload` scalar of the GraphQL multipart request spec: a file part of a multipart request,
 * mapped into the variables. Resolvers receive a promise of the file (graphql-upload-ts).
 */
builder.addScalarType('Upload', GraphQLUpload, {
  description: 'A file sent as a part of a GraphQL multipart request (https://github.com/jaydenseric/graphql-multipart-request-spec). Only as a variable.',
});
