import busboy from 'busboy';
import { describe, expect, it } from 'vitest';
import { encodeMultipart } from '../../src/graph/multipart.js';

/** Parses a body the way the sandbox does (busboy): fields and files by name. */
async function parse(contentType: string, body: Buffer) {
  const fields: Record<string, string> = {};
  const files: Record<string, { filename: string | undefined; mimeType: string; bytes: Buffer }> = {};
  await new Promise<void>((resolve, reject) => {
    const parser = busboy({ headers: { 'content-type': contentType } });
    parser.on('field', (name, value) => (fields[name] = value));
    parser.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => (files[name] = { filename: info.filename, mimeType: info.mimeType, bytes: Buffer.concat(chunks) }));
    });
    parser.on('close', resolve);
    parser.on('error', reject);
    parser.end(body);
  });
  return { fields, files };
}

describe('multipart bodies for the Graph API', () => {
  const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, ...Array<number>(5000).fill(7), 0xff, 0xd9]);
  const body = encodeMultipart({ messaging_product: 'whatsapp' }, { name: 'file', filename: 'profile.jpg', contentType: 'image/jpeg', bytes: jpeg });

  it('a multipart parser reads back the field and the file, byte for byte', async () => {
    const parsed = await parse(body.contentType, Buffer.concat(body.chunks));
    expect(parsed.fields).toEqual({ messaging_product: 'whatsapp' });
    expect(parsed.files.file).toEqual({ filename: 'profile.jpg', mimeType: 'image/jpeg', bytes: jpeg });
  });

  it('sends the file bytes themselves, not a copy, and counts the length exactly', () => {
    expect(body.chunks).toContain(jpeg);
    expect(body.length).toBe(Buffer.concat(body.chunks).length);
  });

  it('escapes quotes and line breaks in names', async () => {
    const odd = encodeMultipart({ 'a"b': 'x' }, { name: 'f', filename: 'p\r\n".jpg', contentType: 'image/jpeg', bytes: jpeg });
    const parsed = await parse(odd.contentType, Buffer.concat(odd.chunks));
    expect(parsed.fields).toEqual({ 'a%22b': 'x' });
    expect(parsed.files.f?.filename).toBe('p%0D%0A%22.jpg');
  });
});
