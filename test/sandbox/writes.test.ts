import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { bearer, call, get, graphErrorOf, postForm, postJson } from './graph-client.js';
import { makeJpeg } from '../../support/jpeg.js';

const TOKEN = 'writer';
let sandbox: Sandbox;
let id: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  sandbox.tokens.addToken(TOKEN, { groups: '*' });
});
afterAll(() => sandbox.close());
beforeEach(() => {
  id = sandbox.groups.seedGroup({ subject: 'Before', description: 'Old description' }).id;
  sandbox.clearRequests();
});

function uploadPicture(picture: Buffer, part = 'file', extra: Record<string, string> = { messaging_product: 'whatsapp' }) {
  const form = new FormData();
  for (const [k, v] of Object.entries(extra)) form.append(k, v);
  form.append(part, new Blob([new Uint8Array(picture)], { type: 'image/jpeg' }), 'picture.jpg');
  return call(`${sandbox.url}/v23.0/${id}`, { method: 'POST', headers: bearer(TOKEN), body: form });
}

describe('POST /{group-id} (update settings)', () => {
  it('a JSON update answers {"success":true} and the next read shows it', async () => {
    const res = await postJson(sandbox.url, `/v23.0/${id}`, { messaging_product: 'whatsapp', subject: '  Renamed  ', description: 'New' }, TOKEN);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ success: true });
    const read = await get(sandbox.url, `/v23.0/${id}?fields=subject,description`, TOKEN);
    expect(read.json).toEqual({ subject: 'Renamed', description: 'New', id });
    expect(sandbox.requests[0]).toMatchObject({ kind: 'update', ids: [id], status: 200 });
  });

  it('takes form-urlencoded bodies', async () => {
    const res = await postForm(sandbox.url, `/v23.0/${id}`, { messaging_product: 'whatsapp', subject: 'Form' }, TOKEN);
    expect(res.json).toEqual({ success: true });
    expect(sandbox.groups.get(id)?.subject).toBe('Form');
  });

  it('takes multipart bodies without a picture as a plain update', async () => {
    const form = new FormData();
    form.append('messaging_product', 'whatsapp');
    form.append('subject', 'Multipart');
    const res = await call(`${sandbox.url}/v23.0/${id}`, { method: 'POST', headers: bearer(TOKEN), body: form });
    expect(res.json).toEqual({ success: true });
    expect(sandbox.groups.get(id)?.subject).toBe('Multipart');
  });

  it('an empty description clears it, so reads omit it', async () => {
    await postJson(sandbox.url, `/v23.0/${id}`, { messaging_product: 'whatsapp', description: '' }, TOKEN);
    expect((await get(sandbox.url, `/v23.0/${id}?fields=description`, TOKEN)).json).toEqual({ id });
  });

  it('requires messaging_product "whatsapp" on every write', async () => {
    const missing = await postJson(sandbox.url, `/v23.0/${id}`, { subject: 'x' }, TOKEN);
    expect(missing.status).toBe(400);
    expect(graphErrorOf(missing)).toEqual({
      message: '(#100) The parameter messaging_product is required.',
      type: 'OAuthException',
      code: 100,
      error_data: { messaging_product: 'whatsapp', details: 'The parameter messaging_product is required.' },
      fbtrace_id: expect.any(String),
    });
    const wrong = await postJson(sandbox.url, `/v23.0/${id}`, { messaging_product: 'sms', subject: 'x' }, TOKEN);
    expect(graphErrorOf(wrong)).toMatchObject({ code: 100, message: '(#100) Invalid parameter' });
    expect(sandbox.groups.get(id)?.subject).toBe('Before');
  });

  it.each([
    ['an empty subject', { subject: '   ' }, 'Param subject must not be empty.'],
    ['a 129-character subject', { subject: 's'.repeat(129) }, 'Param subject must be at most 128 characters long.'],
    ['a 2049-character description', { description: 'd'.repeat(2049) }, 'Param description must be at most 2048 characters long.'],
  ])('refuses %s with code 100 and changes nothing', async (_name, change, details) => {
    const res = await postJson(sandbox.url, `/v23.0/${id}`, { messaging_product: 'whatsapp', ...change }, TOKEN);
    expect(res.status).toBe(400);
    expect(graphErrorOf(res)).toMatchObject({ code: 100, error_data: { details } });
    expect(sandbox.groups.get(id)).toMatchObject({ subject: 'Before', description: 'Old description' });
  });

  it('accepts the limits exactly: 128-character subject, 2048-character description', async () => {
    const res = await postJson(sandbox.url, `/v23.0/${id}`, { messaging_product: 'whatsapp', subject: 'é'.repeat(128), description: 'd'.repeat(2048) }, TOKEN);
    expect(res.status).toBe(200);
  });

  it('a suspended group refuses writes with 131207, HTTP 403', async () => {
    const suspended = sandbox.groups.seedGroup({ suspended: true }).id;
    const res = await postJson(sandbox.url, `/v23.0/${suspended}`, { messaging_product: 'whatsapp', subject: 'x' }, TOKEN);
    expect(res.status).toBe(403);
    expect(graphErrorOf(res)).toMatchObject({ code: 131207, message: '(#131207) Group suspended' });
    const del = await call(`${sandbox.url}/v23.0/${suspended}`, { method: 'DELETE', headers: bearer(TOKEN) });
    expect(del.status).toBe(403);
  });

  it('an invisible group answers 131041 to writes too', async () => {
    sandbox.tokens.addToken('stranger', { groups: [] });
    const res = await postJson(sandbox.url, `/v23.0/${id}`, { messaging_product: 'whatsapp', subject: 'x' }, 'stranger');
    expect(graphErrorOf(res).code).toBe(131041);
  });
});

describe('profile picture (multipart)', () => {
  it('stores size, sha256, dimensions and type of a valid square JPEG', async () => {
    const picture = makeJpeg(640, 640);
    const res = await uploadPicture(picture);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ success: true });
    expect(sandbox.groups.picture(id)).toEqual({
      size: picture.length,
      sha256: createHash('sha256').update(picture).digest('hex'),
      width: 640,
      height: 640,
      mimeType: 'image/jpeg',
    });
    expect(sandbox.requests[0]).toMatchObject({ kind: 'picture', ids: [id], status: 200, bodyBytes: expect.any(Number) });
    expect(sandbox.requests[0]?.bodyBytes).toBeGreaterThan(picture.length);
  });

  it('accepts the part name profile_picture_file as well as file', async () => {
    expect((await uploadPicture(makeJpeg(192, 192), 'profile_picture_file')).status).toBe(200);
    expect(sandbox.groups.picture(id)?.width).toBe(192);
  });

  it('updates subject and picture in one multipart request', async () => {
    await uploadPicture(makeJpeg(300, 300), 'file', { messaging_product: 'whatsapp', subject: 'With picture' });
    expect(sandbox.groups.get(id)).toMatchObject({ subject: 'With picture', picture: { width: 300 } });
  });

  it('refuses a non-square picture with 131209', async () => {
    const res = await uploadPicture(makeJpeg(400, 300));
    expect(res.status).toBe(400);
    expect(graphErrorOf(res)).toMatchObject({ code: 131209, message: '(#131209) Invalid profile picture aspect ratio' });
    expect(sandbox.groups.picture(id)).toBeUndefined();
  });

  it('refuses a picture smaller than 192×192 with 131210', async () => {
    const res = await uploadPicture(makeJpeg(191, 191));
    expect(graphErrorOf(res)).toMatchObject({ code: 131210, message: '(#131210) Image too small' });
  });

  it('refuses a non-JPEG (judged by magic bytes, not the declared type) with code 100', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000001000000010008060000005c72a866', 'hex');
    const res = await uploadPicture(png);
    expect(graphErrorOf(res)).toMatchObject({ code: 100, error_data: { details: 'The profile picture must be a JPEG image (image/jpeg).' } });
  });

  it('refuses a picture over 5 MiB with code 100; exactly 5 MiB passes', async () => {
    const tooBig = await uploadPicture(makeJpeg(512, 512, { totalBytes: 5 * 1024 * 1024 + 1 }));
    expect(tooBig.status).toBe(400);
    expect(graphErrorOf(tooBig)).toMatchObject({ code: 100, error_data: { details: 'The profile picture must be at most 5242880 bytes.' } });
    const limit = await uploadPicture(makeJpeg(512, 512, { totalBytes: 5 * 1024 * 1024 }));
    expect(limit.status).toBe(200);
    expect(sandbox.groups.picture(id)?.size).toBe(5 * 1024 * 1024);
  });

  it('a JSON profile_picture_file path is refused: pictures come as multipart', async () => {
    const res = await postJson(sandbox.url, `/v23.0/${id}`, { messaging_product: 'whatsapp', profile_picture_file: '/tmp/pic.jpg' }, TOKEN);
    expect(graphErrorOf(res).code).toBe(100);
  });
});

describe('DELETE /{group-id}', () => {
  it('deletes the group: {"success":true}, then reads give Group unknown', async () => {
    const res = await call(`${sandbox.url}/v23.0/${id}`, { method: 'DELETE', headers: bearer(TOKEN) });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ success: true });
    expect(graphErrorOf(await get(sandbox.url, `/v23.0/${id}`, TOKEN)).code).toBe(131041);
    expect(sandbox.requests.map((r) => r.kind)).toEqual(['delete', 'read']);
  });
});

describe("responses shaped 'request_id'", () => {
  it('update and delete answer {"request_id": 32 upper-case hex}', async () => {
    const s = await startSandbox({ updateResponse: 'request_id', deleteResponse: 'request_id' });
    try {
      s.tokens.addToken('t', { groups: '*' });
      const gid = s.groups.seedGroup().id;
      const update = await postJson(s.url, `/v23.0/${gid}`, { messaging_product: 'whatsapp', subject: 'x' }, 't');
      expect(update.json).toEqual({ request_id: expect.stringMatching(/^[0-9A-F]{32}$/) });
      const del = await call(`${s.url}/v23.0/${gid}`, { method: 'DELETE', headers: bearer('t') });
      expect(del.json).toEqual({ request_id: expect.stringMatching(/^[0-9A-F]{32}$/) });
    } finally {
      await s.close();
    }
  });
});
