import { createHash } from 'node:crypto';
import fs, { mkdtempSync, rmSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxLogger } from '../../src/sandbox/options.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { postMultipart, type MultipartRequest } from '../../support/multipart.js';
import { watchSpool } from '../helpers/spool.js';
import { makeJpeg } from '../../support/jpeg.js';

const TOKEN = 'upload-admission-token';
const UpdatePicture = 'mutation ($input: UpdateGroupInput!) { updateGroup(input: $input) { success } }';

// graphql-upload-ts spools to os.tmpdir(), which follows TMPDIR on every call: a directory of this
// file's own shows every spool file its gateways create.
let spool: string;
const savedTmpdir = process.env.TMPDIR;
beforeAll(() => {
  spool = mkdtempSync(join(tmpdir(), 'gateway-admission-spool-'));
  process.env.TMPDIR = spool;
});
afterAll(() => {
  if (savedTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmpdir;
  rmSync(spool, { recursive: true, force: true });
});

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function upload(gw: TestGateway, id: string, file: MultipartRequest['file'], headers: Record<string, string | undefined> = {}) {
  return postMultipart(gw.url, {
    query: UpdatePicture,
    variables: { input: { id, profilePicture: null } },
    file,
    headers: { authorization: `Bearer ${TOKEN}`, 'x-graphql-yoga-csrf': '1', ...headers },
  });
}

/**
 * The most picture POSTs the sandbox had in flight at once. Exact, from its log: an entry is in
 * flight (status 0) from its arrival until it is answered, and the count can only peak just before
 * an answer, which is when the sandbox's logger is called.
 */
function pictureConcurrency(): { logger: SandboxLogger; peak: () => number; watch: (log: { kind: string; status: number }[]) => void } {
  let peak = 0;
  let log: { kind: string; status: number }[] = [];
  return {
    logger: {
      info(entry) {
        if ((entry as { kind?: string }).kind !== 'picture') return;
        // The one being answered has its status already; the others in flight still have 0.
        const inFlight = log.filter((r) => r.kind === 'picture' && r.status === 0).length + 1;
        peak = Math.max(peak, inFlight);
      },
    },
    peak: () => peak,
    watch: (entries) => {
      log = entries;
    },
  };
}

describe('an upload without a usable token', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway(); // no WHATSAPP_ACCESS_TOKEN: a request needs its own token
    gw.sandbox.tokens.addToken(TOKEN, { groups: '*' });
  });
  afterAll(() => gw.close());

  it.each([
    ['no Authorization header', undefined, 'Send `Authorization: Bearer <WhatsApp access token>` (or configure WHATSAPP_ACCESS_TOKEN)'],
    ['Authorization: Basic …', 'Basic dXNlcjpwYXNz', 'The Authorization header must be `Bearer <WhatsApp access token>`'],
  ])('%s: UNAUTHENTICATED (HTTP 401) before any byte of the picture is spooled, nothing upstream', async (_label, authorization, message) => {
    const id = gw.sandbox.groups.seedGroup().id;
    gw.takeUpstreamRequests();
    const watcher = watchSpool(spool);
    try {
      const { status, body } = await upload(gw, id, { bytes: makeJpeg(512, 512, { totalBytes: 200_000 }) }, { authorization });
      expect({ status, body }).toEqual({ status: 401, body: { errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] } });
      // Let inotify deliver anything the request created.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(watcher.created()).toEqual([]);
    } finally {
      watcher.close();
    }
    expect(gw.takeUpstreamRequests()).toEqual([]);
    expect(gw.sandbox.groups.picture(id)).toBeUndefined();
  });

  it('the watch would see a spool file: the same upload with a token creates one', async () => {
    const watcher = watchSpool(spool);
    try {
      const { body } = await upload(gw, gw.sandbox.groups.seedGroup().id, { bytes: makeJpeg(512, 512) });
      expect(body).toEqual({ data: { updateGroup: { success: true } } });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(watcher.created()).toHaveLength(1);
    } finally {
      watcher.close();
    }
  });

  it('a multipart request without a file still runs without a token, as a JSON one does', async () => {
    const { status, body } = await postMultipart(gw.url, { query: '{ __typename }', variables: {}, headers: { 'x-graphql-yoga-csrf': '1' } });
    expect({ status, body }).toEqual({ status: 200, body: { data: { __typename: 'Query' } } });
  });
});

describe('an upload without an Authorization header, with WHATSAPP_ACCESS_TOKEN configured', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ env: { WHATSAPP_ACCESS_TOKEN: TOKEN } });
    gw.sandbox.tokens.addToken(TOKEN, { groups: '*' });
  });
  afterAll(() => gw.close());

  it('uses the configured token, as every other field does', async () => {
    const id = gw.sandbox.groups.seedGroup().id;
    const jpeg = makeJpeg(256, 256);
    const { body } = await upload(gw, id, { bytes: jpeg }, { authorization: undefined });
    expect(body).toEqual({ data: { updateGroup: { success: true } } });
    expect(gw.sandbox.groups.picture(id)?.sha256).toBe(sha256(jpeg));
  });
});

describe('MAX_CONCURRENT_UPLOADS', () => {
  const concurrency = pictureConcurrency();
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ env: { MAX_CONCURRENT_UPLOADS: '2' }, sandbox: { logger: concurrency.logger } });
    gw.sandbox.tokens.addToken(TOKEN, { groups: '*' });
    concurrency.watch(gw.sandbox.requests);
  });
  afterAll(() => gw.close());
  afterEach(() => gw.sandbox.faults.clear());

  it('with a cap of 2, six concurrent uploads reach the Graph API at most two at a time, and all succeed', async () => {
    // Slow picture answers, so that uploads overlap however slowly this machine runs them.
    gw.sandbox.faults.inject({ kind: 'latency', ms: 600, times: 6, match: { kind: 'picture' } });
    const jpeg = makeJpeg(640, 640, { totalBytes: 300_000 });
    const ids = Array.from({ length: 6 }, () => gw.sandbox.groups.seedGroup().id);
    gw.takeUpstreamRequests();
    const results = await Promise.all(ids.map((id) => upload(gw, id, { bytes: jpeg })));
    expect(results.map((r) => r.body)).toEqual(ids.map(() => ({ data: { updateGroup: { success: true } } })));
    expect(concurrency.peak()).toBe(2);
    expect(gw.takeUpstreamRequests().map((r) => r.kind)).toEqual(ids.map(() => 'picture'));
    for (const id of ids) expect(gw.sandbox.groups.picture(id)?.sha256).toBe(sha256(jpeg));
  });
});

describe('an upload that waits longer than UPLOAD_WAIT_TIMEOUT_MS for a slot', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ env: { MAX_CONCURRENT_UPLOADS: '1', UPLOAD_WAIT_TIMEOUT_MS: '300' } });
    gw.sandbox.tokens.addToken(TOKEN, { groups: '*' });
  });
  afterAll(() => gw.close());

  it('fails RATE_LIMITED (retry in a second) without going upstream; the upload holding the slot succeeds', async () => {
    // The first picture holds the only slot for 3 s, ten times the second one's wait.
    gw.sandbox.faults.inject({ kind: 'latency', ms: 3_000, match: { kind: 'picture' } });
    const [first, second] = [gw.sandbox.groups.seedGroup().id, gw.sandbox.groups.seedGroup().id];
    gw.takeUpstreamRequests();
    const holding = upload(gw, first, { bytes: makeJpeg(256, 256) });
    await expect.poll(() => gw.sandbox.requests.filter((r) => r.kind === 'picture').length, { timeout: 10_000 }).toBe(1);

    const waiting = await upload(gw, second, { bytes: makeJpeg(256, 256) });
    const held = await holding;
    expect(waiting.body).toEqual({
      data: null,
      errors: [
        {
          message:
            'The gateway is at its limit of 1 profile pictures in progress (MAX_CONCURRENT_UPLOADS) and this one waited 300 ms (UPLOAD_WAIT_TIMEOUT_MS); retry in a second',
          locations: [{ line: 1, column: 40 }],
          path: ['updateGroup'],
          extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 1 },
        },
      ],
    });
    expect(held.body).toEqual({ data: { updateGroup: { success: true } } });
    expect(gw.takeUpstreamRequests().map((r) => ({ kind: r.kind, ids: r.ids }))).toEqual([{ kind: 'picture', ids: [first] }]);
    expect(gw.sandbox.groups.picture(second)).toBeUndefined();
  });
});

describe('one Upload used by several aliased mutations', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
    gw.sandbox.tokens.addToken(TOKEN, { groups: '*' });
  });
  afterAll(() => gw.close());

  it('is opened and checked once, and the same bytes go to every group', async () => {
    // Counts opens of spooled files (every check of a picture starts with one), passing each through.
    const openAsBlob = fs.openAsBlob;
    const opened: string[] = [];
    fs.openAsBlob = (path, options) => {
      opened.push(String(path));
      return openAsBlob(path, options);
    };
    syncBuiltinESMExports();
    try {
      const ids = [gw.sandbox.groups.seedGroup().id, gw.sandbox.groups.seedGroup().id, gw.sandbox.groups.seedGroup().id];
      const jpeg = makeJpeg(800, 800, { totalBytes: 500_000 });
      gw.takeUpstreamRequests();
      const { body } = await postMultipart(gw.url, {
        query: `mutation ($a: ID!, $b: ID!, $c: ID!, $picture: Upload!) {
          a: updateGroup(input: { id: $a, profilePicture: $picture }) { success }
          b: updateGroup(input: { id: $b, profilePicture: $picture }) { success }
          c: updateGroup(input: { id: $c, profilePicture: $picture }) { success }
        }`,
        variables: { a: ids[0], b: ids[1], c: ids[2], picture: null },
        fileVariable: 'variables.picture',
        file: { bytes: jpeg },
        headers: { authorization: `Bearer ${TOKEN}`, 'x-graphql-yoga-csrf': '1' },
      });
      expect(body).toEqual({ data: { a: { success: true }, b: { success: true }, c: { success: true } } });
      expect(opened).toHaveLength(1);
      expect(gw.takeUpstreamRequests().map((r) => ({ kind: r.kind, ids: r.ids }))).toEqual(ids.map((id) => ({ kind: 'picture', ids: [id] })));
      expect(ids.map((id) => gw.sandbox.groups.picture(id)?.sha256)).toEqual(ids.map(() => sha256(jpeg)));
    } finally {
      fs.openAsBlob = openAsBlob;
      syncBuiltinESMExports();
    }
  });
});
