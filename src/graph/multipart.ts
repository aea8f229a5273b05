import { randomBytes } from 'node:crypto';

/** A multipart/form-data body as the byte chunks to send, in order, and their total length. */
export interface MultipartBody {
  contentType: string;
  chunks: readonly Uint8Array[];
  length: number;
}

export interface FilePart {
  name: string;
  filename: string;
  contentType: string;
  bytes: Uint8Array;
}

/**
 * Text fields and one file as multipart/form-data (RFC 7578), with the file's bytes sent as they
 * are. undici's FormData would need them in a Blob, and a Blob is a copy: one more megabyte per
 * picture in flight (bench/README.md, scenario (e)).
 */
export function encodeMultipart(fields: Record<string, string>, file: FilePart): MultipartBody {
  const boundary = `----graph-client-${randomBytes(12).toString('hex')}`;
  let head = '';
  for (const [name, value] of Object.entries(fields)) {
    head += `--${boundary}\r\nContent-Disposition: form-data; name="${escapeName(name)}"\r\n\r\n${value}\r\n`;
  }
  head +=
    `--${boundary}\r\nContent-Disposition: form-data; name="${escapeName(file.name)}"; filename="${escapeName(file.filename)}"\r\n` +
    `Content-Type: ${file.contentType}\r\n\r\n`;
  const chunks = [Buffer.from(head), file.bytes, Buffer.from(`\r\n--${boundary}--\r\n`)];
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    chunks,
    length: chunks.reduce((total, chunk) => total + chunk.byteLength, 0),
  };
}

/** Names and filenames escaped as browsers do (WHATWG HTML, "multipart/form-data encoding algorithm"). */
function escapeName(name: string): string {
  return name.replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/"/g, '%22');
}
