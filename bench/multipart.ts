/**
 * multipart/form-data bodies built once, as bytes, so the load generator can replay them: the
 * GraphQL multipart request spec (https://github.com/jaydenseric/graphql-multipart-request-spec)
 * for the gateway, and the Graph API's picture upload form for the direct and proxied calls.
 */

export interface Part {
  name: string;
  value: string | Buffer;
  filename?: string;
  contentType?: string;
}

export interface MultipartBody {
  contentType: string;
  body: Buffer;
}

export function multipart(parts: readonly Part[]): MultipartBody {
  const boundary = `----bench${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename ? `; filename="${part.filename}"` : ''}`;
    const type = part.contentType ? `\r\nContent-Type: ${part.contentType}` : '';
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}${type}\r\n\r\n`));
    chunks.push(typeof part.value === 'string' ? Buffer.from(part.value) : part.value);
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(chunks) };
}

/** One GraphQL operation whose variable `variable` is the uploaded file. */
export function graphqlUpload(query: string, variables: Record<string, unknown>, variable: string, file: Part): MultipartBody {
  return multipart([
    { name: 'operations', value: JSON.stringify({ query, variables: { ...variables, [variable]: null } }) },
    { name: 'map', value: JSON.stringify({ 0: [`variables.${variable}`] }) },
    { ...file, name: '0' },
  ]);
}
