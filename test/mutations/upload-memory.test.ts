import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { postMultipart, type MultipartRequest } from '../../support/multipart.js';
import { peakGrowthOf } from '../../support/proc-stats.js';
import { startGatewayFor, type GatewayProcess } from '../../support/processes.js';
import { makeJpeg } from '../../support/jpeg.js';

const TOKEN = 'mutations-memory-token';
const MB = 1_000_000;
const MiB = 1024 * 1024;
/**
 * Generous, against CI noise (garbage not yet collected counts too): a gateway that buffered the body
 * would grow by 50 MB or more. Measured figures (scripts/upload-memory.ts) are in docs/lifecycle.md, "Memory".
 */
const MAX_GROWTH = 25 * MiB;

const UpdatePicture = 'mutation ($input: UpdateGroupInput!) { updateGroup(input: $input) { success } }';

// The gateway runs in its own process, as `npm start` runs it: its memory is then its own, not this
// test's (which streams the 50 MB from one reused 64 KiB chunk) nor the sandbox's.
let sandbox: Sandbox;
let gateway: GatewayProcess;
let url: string;
let spool: string;
beforeAll(async () => {
  sandbox = await startSandbox();
  sandbox.tokens.addToken(TOKEN, { groups: '*' });
  // graphql-upload-ts spools uploads to os.tmpdir(): a private one shows what is left behind.
  spool = mkdtempSync(join(tmpdir(), 'gateway-upload-spool-'));
  ({ gateway, url } = await startGatewayFor(sandbox.url, { TMPDIR: spool }));
  // Warm up, so the measurements see the upload, not module loading, first-request costs, or V8
  // growing its young generation the first time data flows fast (that alone can add ~30 MiB).
  for (let i = 0; i < 3; i++) expect((await upload({ bytes: makeJpeg(256, 256) })).status).toBe(200);
  expect((await upload({ size: 8 * MB, head: makeJpeg(1024, 1024).subarray(0, 200) }, 'chunked')).status).toBe(200);
  expect((await upload({ bytes: makeJpeg(512, 512, { totalBytes: 2 * MB }) })).status).toBe(200);
});
afterAll(async () => {
  await gateway?.stop();
  await sandbox?.close();
  rmSync(spool, { recursive: true, force: true });
});

function upload(file: MultipartRequest['file'], transfer?: MultipartRequest['transfer']) {
  return postMultipart(url, {
    query: UpdatePicture,
    variables: { input: { id: sandbox.groups.seedGroup().id, profilePicture: null } },
    file,
    ...(transfer ? { transfer } : {}),
    // Past the limit, wait for the answer: if the gateway needed the rest, it would not come (5 s).
    pauseAfter: 6 * MiB,
    headers: { authorization: `Bearer ${TOKEN}`, 'x-graphql-yoga-csrf': '1' },
  });
}

/** fs-capacitor's temp files (`capacitor-<hex>.tmp`); tsx keeps its own cache in the same directory. */
const spooled = () => readdirSync(spool).filter((name) => name.startsWith('capacitor-'));

async function spoolIsEmpty(): Promise<boolean> {
  // Temp files go when the response closes, asynchronously: give it a moment (bounded).
  for (let i = 0; i < 50 && spooled().length > 0; i++) await new Promise((r) => setTimeout(r, 20));
  return spooled().length === 0;
}

// 50 MB with a valid 1024×1024 JPEG header, produced while sending.
const FIFTY_MB = { size: 50 * MB, head: makeJpeg(1024, 1024).subarray(0, 200) };

describe('a 50 MB upload is refused without the gateway holding it', () => {
  it('with a Content-Length: refused from the headers alone (413), no growth', async () => {
    sandbox.clearRequests();
    const { result, growth } = await peakGrowthOf(gateway.child.pid!, () => upload(FIFTY_MB));
    expect(result.status).toBe(413);
    expect(result.body).toEqual({
      errors: [{ message: expect.stringMatching(/^The upload is too large: the request declares \d+ bytes/), extensions: { code: 'BAD_USER_INPUT' } }],
    });
    expect(growth).toBeLessThan(MAX_GROWTH);
    expect(sandbox.requests).toEqual([]);
    expect(await spoolIsEmpty()).toBe(true);
  });

  it('chunked (no length): reading stops at 5 MiB and the answer comes without the rest of the body', async () => {
    sandbox.clearRequests();
    const { result, growth } = await peakGrowthOf(gateway.child.pid!, () => upload(FIFTY_MB, 'chunked'));
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({
      data: null,
      errors: [{ path: ['updateGroup'], extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringMatching(/^The profile picture is too large/) }],
    });
    // Answered while the client waited at 6 MiB: the gateway needed none of the other 44 MB.
    expect(result.bytesSent).toBeLessThan(7 * MiB);
    expect(growth).toBeLessThan(MAX_GROWTH);
    expect(sandbox.requests).toEqual([]);
    expect(await spoolIsEmpty()).toBe(true);
  });

  it('and a valid upload leaves no temp file behind either', async () => {
    expect((await upload({ bytes: makeJpeg(512, 512, { totalBytes: 2 * MB }) })).body).toEqual({ data: { updateGroup: { success: true } } });
    expect(await spoolIsEmpty()).toBe(true);
  });
});
