import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { postWithLateFilePart } from '../helpers/multipart.js';
import { openSpoolDescriptors, spoolFiles, untilEmpty } from '../helpers/spool.js';
import { startGatewayProcess, type GatewayProcess } from '../helpers/start-process.js';
import { makeJpeg } from '../sandbox/jpeg.js';

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
  gateway = startGatewayProcess({ PORT: '0', HOST: '127.0.0.1', GRAPH_API_URL: sandbox.url, LOG_LEVEL: 'info', TMPDIR: spool });
  const [, port] = await gateway.waitFor(/"port":(\d+)/);
  url = `http://127.0.0.1:${port}/graphql`;
});
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
});
