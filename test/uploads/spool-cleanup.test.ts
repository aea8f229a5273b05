import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { postMultipart, postWithLateFilePart, type MultipartRequest } from '../../support/multipart.js';
import { openSpoolDescriptors, spoolFiles, untilEmpty } from '../helpers/spool.js';
import { startGatewayFor, type GatewayProcess } from '../../support/processes.js';
import { makeJpeg } from '../../support/jpeg.js';

const TOKEN = 'spool-cleanup-token';
const MiB = 1024 * 1024;

// The gateway runs as its own process with a TMPDIR of its own: its spool files and its open
// descriptors (/proc/<pid>/fd) are then its own, not this test runner's.
let sandbox: Sandbox;
let gateway: GatewayProcess;
let url: string;
let spool: string;
beforeAll(async () => {
  sandbox = await startSandbox();
  sandbox.tokens.addToken(TOKEN, { groups: '*' });
  spool = mkdtempSync(join(tmpdir(), 'gateway-late-part-spool-'));
  // Generous: starting node + tsx takes tens of seconds on a loaded 2-core machine.
  ({ gateway, url } = await startGatewayFor(sandbox.url, { TMPDIR: spool }, 60_000));
}, 90_000);
afterAll(async () => {
  await gateway?.stop();
  await sandbox?.close();
  rmSync(spool, { recursive: true, force: true });
});

describe('a file part that arrives after the answer', () => {
  it('leaves no spool file and no open descriptor, request after request', async () => {
    const picture = makeJpeg(1024, 1024, { totalBytes: 4 * MiB });
    // Each answered as soon as `map` has arrived: the file is never used, or the operation fails first.
    const operations: [string, unknown][] = [
      ['{ __typename }', { data: { __typename: 'Query' } }],
      ['{ nope }', { errors: [expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT' } })] }],
      ['{ __typename', { errors: [expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT' } })] }],
    ];
    for (let i = 0; i < 9; i++) {
      const [query, answer] = operations[i % operations.length]!;
      const result = await postWithLateFilePart(url, {
        operations: { query, variables: { picture: null } },
        map: { 0: ['variables.picture'] },
        headers: { authorization: `Bearer ${TOKEN}`, 'x-graphql-yoga-csrf': '1' },
        file: picture,
      });
      expect(JSON.parse(result.body)).toEqual(answer);
      // The connection stayed open and took the whole late part: the gateway had it to deal with.
      expect(result.lateBytesWritten).toBeGreaterThan(picture.length);
    }
    expect(await untilEmpty(() => spoolFiles(spool))).toEqual([]);
    expect(await untilEmpty(() => openSpoolDescriptors(gateway.child.pid!))).toEqual([]);
    expect(sandbox.requests).toEqual([]);
  });

  it('nor does any other ending: accepted, refused, too large, or a client gone mid-file', async () => {
    const id = sandbox.groups.seedGroup().id;
    const send = (file: MultipartRequest['file'], transfer?: MultipartRequest['transfer']) =>
      postMultipart(url, {
        query: 'mutation ($input: UpdateGroupInput!) { updateGroup(input: $input) { success } }',
        variables: { input: { id, profilePicture: null } },
        file,
        ...(transfer ? { transfer, pauseAfter: 5 * MiB + 1 } : {}),
        headers: { authorization: `Bearer ${TOKEN}`, 'x-graphql-yoga-csrf': '1' },
      });
    expect((await send({ bytes: makeJpeg(512, 512, { totalBytes: MiB }) })).body).toEqual({ data: { updateGroup: { success: true } } });
    expect((await send({ bytes: makeJpeg(300, 200) })).body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await send({ bytes: makeJpeg(2048, 2048, { totalBytes: 6 * MiB }) }, 'chunked')).body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    await abandonMidFile(url, makeJpeg(1024, 1024, { totalBytes: 2 * MiB }));

    expect(await untilEmpty(() => spoolFiles(spool))).toEqual([]);
    expect(await untilEmpty(() => openSpoolDescriptors(gateway.child.pid!))).toEqual([]);
  });
});

/** Sends half of a picture upload, waits until the gateway has begun spooling it, then drops the connection. */
async function abandonMidFile(target: string, file: Buffer): Promise<void> {
  const { hostname, port, pathname } = new URL(target);
  const boundary = 'abandoned-upload';
  const head =
    `--${boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n` +
    JSON.stringify({ query: 'mutation ($input: UpdateGroupInput!) { updateGroup(input: $input) { success } }', variables: { input: { id: 'G1', profilePicture: null } } }) +
    `\r\n--${boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n{"0":["variables.input.profilePicture"]}\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="0"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`;
  const socket = connect(Number(port), hostname);
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  socket.write(
    `POST ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\n` +
      `Content-Length: ${head.length + file.length + 100}\r\nAuthorization: Bearer ${TOKEN}\r\nx-graphql-yoga-csrf: 1\r\n\r\n${head}`,
  );
  socket.write(file.subarray(0, file.length / 2));
  // The spool file exists once the parser has seen the part: wait for it, then go away.
  await untilEmpty(() => (spoolFiles(spool).length > 0 ? [] : ['not yet']));
  socket.destroy();
}
