import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { postMultipart, type MultipartRequest } from '../helpers/multipart.js';
import { makeJpeg } from '../sandbox/jpeg.js';

const TOKEN = 'mutations-upload-token';
const MiB = 1024 * 1024;

const UpdatePicture = /* GraphQL */ `
  mutation UpdatePicture($input: UpdateGroupInput!) { updateGroup(input: $input) { success updatedFields requestId } }
`;

let gw: TestGateway;
beforeAll(async () => {
  gw = await startGateway();
  gw.sandbox.tokens.addToken(TOKEN, { groups: '*' });
});
afterAll(() => gw.close());

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
/** A JPEG Blob for FormData (a copy: Blob wants bytes over a plain ArrayBuffer). */
const jpegBlob = (bytes: Buffer) => new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' });

function seed(): string {
  return gw.sandbox.groups.seedGroup({ subject: 'Before' }).id;
}

/** A GraphQL multipart request for updateGroup(profilePicture) with the CSRF header and the token. */
function uploadPicture(id: string, file: MultipartRequest['file'], extra: Partial<MultipartRequest> & { input?: object } = {}) {
  const { input, headers, ...rest } = extra;
  return postMultipart(gw.url, {
    query: UpdatePicture,
    variables: { input: { id, profilePicture: null, ...input } },
    file,
    ...rest,
    headers: { authorization: `Bearer ${TOKEN}`, 'x-graphql-yoga-csrf': '1', ...headers },
  });
}

/** The Graph requests since the last call, minus nothing: any upstream call at all shows here. */
function upstream() {
  return gw.takeUpstreamRequests().map((r) => ({ method: r.method, kind: r.kind, ids: r.ids }));
}

describe('profile picture upload: accepted', () => {
  it('curl-style multipart (fetch + FormData, x-graphql-yoga-csrf): the bytes arrive upstream unchanged', async () => {
    const id = seed();
    const jpeg = makeJpeg(640, 640, { totalBytes: 300_000 });
    const form = new FormData();
    form.set('operations', JSON.stringify({ query: UpdatePicture, variables: { input: { id, profilePicture: null } } }));
    form.set('map', JSON.stringify({ 0: ['variables.input.profilePicture'] }));
    form.set('0', jpegBlob(jpeg), 'photo.jpg');
    gw.takeUpstreamRequests();

    const response = await fetch(gw.url, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${TOKEN}`, 'x-graphql-yoga-csrf': '1' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { updateGroup: { success: true, updatedFields: ['PROFILE_PICTURE'], requestId: null } } });
    expect(gw.sandbox.groups.picture(id)).toEqual({ size: 300_000, sha256: sha256(jpeg), width: 640, height: 640, mimeType: 'image/jpeg' });
    const sent = gw.takeUpstreamRequests();
    expect(sent.map((r) => ({ method: r.method, kind: r.kind, ids: r.ids, status: r.status }))).toEqual([
      { method: 'POST', kind: 'picture', ids: [id], status: 200 },
    ]);
    // The whole picture plus multipart framing went up in one request with a known length.
    expect(sent[0]?.bodyBytes).toBeGreaterThan(300_000);
    expect(sent[0]?.bodyBytes).toBeLessThan(301_000);
  });

  it("Apollo Client upload-link shape (apollo-require-preflight, operationName, map key '1') works", async () => {
    const id = seed();
    const jpeg = makeJpeg(512, 512, { totalBytes: 40_000 });
    const form = new FormData();
    form.set(
      'operations',
      JSON.stringify({ operationName: 'UpdatePicture', variables: { input: { id, profilePicture: null } }, query: UpdatePicture }),
    );
    form.set('map', JSON.stringify({ 1: ['variables.input.profilePicture'] }));
    form.set('1', jpegBlob(jpeg), 'avatar.jpeg');
    const response = await fetch(gw.url, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${TOKEN}`, 'apollo-require-preflight': 'true' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { updateGroup: { success: true, updatedFields: ['PROFILE_PICTURE'], requestId: null } } });
    expect(gw.sandbox.groups.picture(id)?.sha256).toBe(sha256(jpeg));
  });

  it('a JPEG of exactly 5 MiB is accepted, byte for byte, also sent chunked', async () => {
    const jpeg = makeJpeg(1024, 1024, { totalBytes: 5 * MiB });
    for (const transfer of ['content-length', 'chunked'] as const) {
      const id = seed();
      const { status, body } = await uploadPicture(id, { bytes: jpeg }, { transfer });
      expect({ transfer, status, body }).toEqual({
        transfer,
        status: 200,
        body: { data: { updateGroup: { success: true, updatedFields: ['PROFILE_PICTURE'], requestId: null } } },
      });
      expect(gw.sandbox.groups.picture(id)).toMatchObject({ size: 5 * MiB, sha256: sha256(jpeg) });
    }
  });

  it('subject and picture together: two upstream requests, text first, and `group` reads the result', async () => {
    const id = seed();
    const jpeg = makeJpeg(300, 300);
    gw.takeUpstreamRequests();
    const { body } = await uploadPicture(id, { bytes: jpeg }, {
      query: 'mutation ($input: UpdateGroupInput!) { updateGroup(input: $input) { success updatedFields group { subject } } }',
      input: { subject: 'With picture' },
    });
    expect(body).toEqual({
      data: { updateGroup: { success: true, updatedFields: ['SUBJECT', 'PROFILE_PICTURE'], group: { subject: 'With picture' } } },
    });
    expect(upstream()).toEqual([
      { method: 'POST', kind: 'update', ids: [id] },
      { method: 'POST', kind: 'picture', ids: [id] },
      { method: 'GET', kind: 'read', ids: [id] },
    ]);
    expect(gw.sandbox.groups.picture(id)?.sha256).toBe(sha256(jpeg));
  });
});

describe('profile picture upload: every invalid image is BAD_USER_INPUT, with zero upstream calls', () => {
  const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000100000001000802000000', 'hex');

  it.each<[string, { bytes: Buffer; filename?: string; contentType?: string; transfer?: 'chunked'; pauseAfter?: number }, string]>([
    ['a PNG, even named .jpg and sent as image/jpeg', { bytes: PNG, filename: 'picture.jpg', contentType: 'image/jpeg' }, 'The profile picture must be a JPEG image (image/jpeg); the upload is PNG data'],
    ['a 100×100 JPEG', { bytes: makeJpeg(100, 100) }, 'The profile picture must be at least 192×192 pixels; got 100×100 pixels'],
    ['a 300×200 JPEG', { bytes: makeJpeg(300, 200) }, 'The profile picture must be square, at least 192×192 pixels; got 300×200 pixels'],
    [
      'a JPEG one byte over 5 MiB',
      { bytes: makeJpeg(1024, 1024, { totalBytes: 5 * MiB + 1 }), pauseAfter: 5 * MiB + 1 },
      'The profile picture is too large: at most 5 MiB (5242880 bytes) is allowed; reading stopped at that limit',
    ],
    [
      'a 6 MiB JPEG sent chunked (no Content-Length): refused while streaming',
      { bytes: makeJpeg(2048, 2048, { totalBytes: 6 * MiB }), transfer: 'chunked', pauseAfter: 5 * MiB + 1 },
      'The profile picture is too large: at most 5 MiB (5242880 bytes) is allowed; reading stopped at that limit',
    ],
  ])('%s', async (_label, { transfer, pauseAfter, ...file }, message) => {
    const id = seed();
    gw.takeUpstreamRequests();
    const { status, body } = await uploadPicture(id, file, { ...(transfer ? { transfer } : {}), ...(pauseAfter ? { pauseAfter } : {}) });
    expect({ status, body }).toEqual({
      status: 200,
      body: { data: null, errors: [{ message, locations: [{ line: 2, column: 55 }], path: ['updateGroup'], extensions: { code: 'BAD_USER_INPUT' } }] },
    });
    expect(upstream()).toEqual([]);
    expect(gw.sandbox.groups.picture(id)).toBeUndefined();
  });

  it('a 6 MiB JPEG with its Content-Length: refused before its body is read (HTTP 413)', async () => {
    const id = seed();
    gw.takeUpstreamRequests();
    const jpeg = makeJpeg(2048, 2048, { totalBytes: 6 * MiB });
    const { status, body } = await uploadPicture(id, { bytes: jpeg });
    expect(status).toBe(413);
    expect(body).toEqual({
      errors: [
        {
          message: expect.stringMatching(
            /^The upload is too large: the request declares \d+ bytes, and a file may have at most 5 MiB \(5242880 bytes\); nothing was read$/,
          ),
          extensions: { code: 'BAD_USER_INPUT' },
        },
      ],
    });
    expect(upstream()).toEqual([]);
  });

  it('a bad subject next to a valid picture: nothing goes upstream, not even the picture', async () => {
    const id = seed();
    gw.takeUpstreamRequests();
    const { body } = await uploadPicture(id, { bytes: makeJpeg(256, 256) }, { input: { subject: '   ' } });
    expect(body.errors?.[0]).toMatchObject({ path: ['updateGroup'], extensions: { code: 'BAD_USER_INPUT' } });
    expect(upstream()).toEqual([]);
  });
});

describe('profile picture upload: partly applied', () => {
  it('subject accepted, picture throttled: the payload says what changed and an error says why the rest did not', async () => {
    const id = seed();
    gw.sandbox.faults.inject({ kind: 'throttle', code: 131208, match: { kind: 'picture' } });
    gw.takeUpstreamRequests();
    const { status, body } = await uploadPicture(id, { bytes: makeJpeg(256, 256) }, {
      query: 'mutation ($input: UpdateGroupInput!) { updateGroup(input: $input) { success updatedFields group { subject } } }',
      input: { subject: 'Half done' },
    });
    expect(status).toBe(200);
    // The group is throttled (131208): reading it back is refused without an upstream request (graph/throttle-memory.ts).
    expect(body.data).toEqual({ updateGroup: { success: false, updatedFields: ['SUBJECT'], group: null } });
    expect(body.errors).toHaveLength(2);
    const [mutationError, readBack] = [...(body.errors ?? [])].sort((x, y) => (x.path?.length ?? 0) - (y.path?.length ?? 0));
    expect(mutationError).toMatchObject({
      message: expect.stringMatching(/^PROFILE_PICTURE not updated \(SUBJECT updated\): /),
      path: ['updateGroup'],
      extensions: { code: 'RATE_LIMITED', graphApi: { code: 131208 }, updatedFields: ['SUBJECT'], failedFields: ['PROFILE_PICTURE'] },
    });
    expect(readBack).toMatchObject({ path: ['updateGroup', 'group'], extensions: { code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) } });
    expect(upstream()).toEqual([
      { method: 'POST', kind: 'update', ids: [id] },
      { method: 'POST', kind: 'picture', ids: [id] },
    ]);
    expect(gw.sandbox.groups.get(id)?.subject).toBe('Half done');
    expect(gw.sandbox.groups.picture(id)).toBeUndefined();
  });
});

describe('multipart requests: CSRF prevention and malformed requests', () => {
  it('a multipart request without a CSRF header is refused (403) and nothing goes upstream', async () => {
    const id = seed();
    gw.takeUpstreamRequests();
    const { status, body } = await uploadPicture(id, { bytes: makeJpeg(256, 256) }, { headers: { 'x-graphql-yoga-csrf': undefined } });
    expect({ status, body }).toEqual({
      status: 403,
      body: { errors: [{ message: 'Required CSRF header(s) not present', extensions: { code: 'FORBIDDEN' } }] },
    });
    expect(upstream()).toEqual([]);
    expect(gw.sandbox.groups.picture(id)).toBeUndefined();
  });

  it('a GET query needs the header too; a JSON POST does not', async () => {
    const get = await fetch(`${gw.url}?query=${encodeURIComponent('{ __typename }')}`);
    expect(get.status).toBe(403);
    const withHeader = await fetch(`${gw.url}?query=${encodeURIComponent('{ __typename }')}`, { headers: { 'x-graphql-yoga-csrf': '1' } });
    expect(await withHeader.json()).toEqual({ data: { __typename: 'Query' } });
    expect((await gw.query('{ __typename }')).body).toEqual({ data: { __typename: 'Query' } });
  });

  it('a second file is refused: one upload per request (HTTP 413)', async () => {
    const id = seed();
    const jpeg = makeJpeg(256, 256);
    const form = new FormData();
    form.set('operations', JSON.stringify({ query: UpdatePicture, variables: { input: { id, profilePicture: null }, other: null } }));
    form.set('map', JSON.stringify({ 0: ['variables.input.profilePicture'], 1: ['variables.other'] }));
    form.set('0', jpegBlob(jpeg), 'a.jpg');
    form.set('1', jpegBlob(jpeg), 'b.jpg');
    gw.takeUpstreamRequests();
    const response = await fetch(gw.url, { method: 'POST', body: form, headers: { authorization: `Bearer ${TOKEN}`, 'x-graphql-yoga-csrf': '1' } });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      errors: [{ message: 'Invalid multipart request: 1 max file uploads exceeded.', extensions: { code: 'BAD_USER_INPUT' } }],
    });
    expect(upstream()).toEqual([]);
  });

  it('a map that names a file the request does not carry: BAD_USER_INPUT on the field', async () => {
    const id = seed();
    gw.takeUpstreamRequests();
    const form = new FormData();
    form.set('operations', JSON.stringify({ query: UpdatePicture, variables: { input: { id, profilePicture: null } } }));
    form.set('map', JSON.stringify({ 0: ['variables.input.profilePicture'] }));
    const response = await fetch(gw.url, { method: 'POST', body: form, headers: { authorization: `Bearer ${TOKEN}`, 'x-graphql-yoga-csrf': '1' } });
    expect(await response.json()).toEqual({
      data: null,
      errors: [
        {
          message: 'The profile picture upload is missing from the multipart request: send it as the file part the `map` field names',
          locations: [{ line: 2, column: 55 }],
          path: ['updateGroup'],
          extensions: { code: 'BAD_USER_INPUT' },
        },
      ],
    });
    expect(upstream()).toEqual([]);
  });

  it('operations that are not JSON: a request error (HTTP 400)', async () => {
    const form = new FormData();
    form.set('operations', '{not json');
    form.set('map', '{}');
    const response = await fetch(gw.url, { method: 'POST', body: form, headers: { 'x-graphql-yoga-csrf': '1' } });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      errors: [
        {
          message: 'Invalid multipart request: Invalid JSON in the ‘operations’ multipart field (https://github.com/jaydenseric/graphql-multipart-request-spec).',
          extensions: { code: 'BAD_USER_INPUT' },
        },
      ],
    });
  });
});
