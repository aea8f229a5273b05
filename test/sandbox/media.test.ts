/** POST /{phone-number-id}/media: multipart upload → {id}, Cloud API's types and size limits; messages name the id. */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { bearer, call, graphErrorOf, postJson, type JsonResponse } from './graph-client.js';
import { makeJpeg } from './jpeg.js';
import { seedTenant, type Tenant } from './tenants.js';

let sandbox: Sandbox;
let tenant: Tenant;

beforeAll(async () => {
  sandbox = await startSandbox();
  tenant = seedTenant(sandbox, 1);
});
afterAll(() => sandbox.close());

const MiB = 1024 * 1024;

function upload(file: Buffer, type: string | undefined, options: { token?: string; part?: string; messagingProduct?: string | null } = {}): Promise<JsonResponse> {
  const form = new FormData();
  form.set(options.part ?? 'file', new Blob([new Uint8Array(file)], { type: type ?? 'application/octet-stream' }), 'upload.bin');
  if (type !== undefined) form.set('type', type);
  if (options.messagingProduct !== null) form.set('messaging_product', options.messagingProduct ?? 'whatsapp');
  return call(`${sandbox.url}/v23.0/${tenant.phoneNumberId}/media`, { method: 'POST', headers: bearer(options.token ?? tenant.token), body: form });
}

describe('POST /{phone-number-id}/media', () => {
  it('answers {id} (a numeric string) and keeps the type, size and sha256, not the bytes; the log names it kind media', async () => {
    const jpeg = makeJpeg(640, 480, { totalBytes: 20_000 });
    sandbox.clearRequests();
    const res = await upload(jpeg, 'image/jpeg');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ id: expect.stringMatching(/^\d{16}$/) });
    const id = (res.json as { id: string }).id;
    expect(sandbox.media.get(id)).toEqual({
      id, phoneNumberId: tenant.phoneNumberId, mimeType: 'image/jpeg', kind: 'image', size: 20_000,
      sha256: createHash('sha256').update(jpeg).digest('hex'), at: expect.any(Number),
    });
    expect(sandbox.requests.map((r) => [r.method, r.kind])).toEqual([['POST', 'media']]);
  });

  it('an uploaded id can be sent to a group as its kind, with a caption; as another kind it is 131009', async () => {
    const { id } = (await upload(makeJpeg(100, 100), 'image/png')).json as { id: string };
    const groupId = tenant.groupIds[0]!;
    const send = (body: Record<string, unknown>) =>
      postJson(sandbox.url, `/v23.0/${tenant.phoneNumberId}/messages`, { messaging_product: 'whatsapp', recipient_type: 'group', to: groupId, ...body }, tenant.token);
    expect((await send({ type: 'image', image: { id, caption: 'Our stand' } })).status).toBe(200);
    expect(graphErrorOf(await send({ type: 'video', video: { id } }))).toMatchObject({ code: 131009, error_data: { details: `Media id ${id} is of kind image, not video.` } });
    const other = seedTenant(sandbox, 1);
    const foreign = await postJson(sandbox.url, `/v23.0/${other.phoneNumberId}/messages`, { messaging_product: 'whatsapp', recipient_type: 'group', to: other.groupIds[0], type: 'image', image: { id } }, other.token);
    expect(graphErrorOf(foreign)).toMatchObject({ code: 131009 });
  });

  it('limits by type: an image over 5 MiB and a video over 16 MiB are 131053; a 17 MiB document is taken', async () => {
    expect((await upload(Buffer.alloc(5 * MiB, 1), 'image/jpeg')).status).toBe(200);
    expect(graphErrorOf(await upload(Buffer.alloc(5 * MiB + 1, 1), 'image/jpeg'))).toMatchObject({ code: 131053 });
    expect(graphErrorOf(await upload(Buffer.alloc(16 * MiB + 1, 1), 'video/mp4'))).toMatchObject({ code: 131053 });
    const doc = await upload(Buffer.alloc(17 * MiB, 1), 'application/pdf');
    expect(doc.status).toBe(200);
    expect(sandbox.media.get((doc.json as { id: string }).id)).toMatchObject({ kind: 'document', size: 17 * MiB });
  });

  it('types Cloud API does not take (GIF, WAV, zip) are 131053; audio types AAC/AMR/MP3/M4A/OGG are taken', async () => {
    for (const type of ['image/gif', 'audio/wav', 'application/zip']) {
      expect(graphErrorOf(await upload(Buffer.from('data'), type))).toMatchObject({ code: 131053 });
    }
    for (const type of ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg; codecs=opus']) {
      expect((await upload(Buffer.from('data'), type)).status).toBe(200);
    }
  });

  it('needs the file part, its type, and messaging_product; an empty file is 131053', async () => {
    expect(graphErrorOf(await upload(Buffer.from('x'), 'image/jpeg', { part: 'picture' }))).toMatchObject({ code: 131008 });
    expect(graphErrorOf(await upload(Buffer.from('x'), undefined))).toMatchObject({ code: 131008 });
    expect(graphErrorOf(await upload(Buffer.from('x'), 'image/jpeg', { messagingProduct: null }))).toMatchObject({ code: 100 });
    expect(graphErrorOf(await upload(Buffer.alloc(0), 'image/jpeg'))).toMatchObject({ code: 131053 });
  });

  it('another tenant cannot upload for this phone number (100/33)', async () => {
    const intruder = seedTenant(sandbox);
    expect(graphErrorOf(await upload(Buffer.from('x'), 'image/jpeg', { token: intruder.token }))).toMatchObject({ code: 100, error_subcode: 33 });
  });
});
