import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { postMultipart } from '../../support/multipart.js';
import { peakGrowthOf } from '../../support/proc-stats.js';
import { startGatewayFor, type GatewayProcess } from '../../support/processes.js';
import { makeJpeg } from '../../support/jpeg.js';

const TOKEN = 'picture-memory-token';
const MiB = 1024 * 1024;
const IN_FLIGHT = 20;

// The gateway in its own process, as `npm start` runs it: its resident memory is its own.
let sandbox: Sandbox;
let gateway: GatewayProcess;
let url: string;
beforeAll(async () => {
  sandbox = await startSandbox();
  sandbox.tokens.addToken(TOKEN, { groups: '*' });
  // Generous: starting node + tsx takes tens of seconds on a loaded 2-core machine.
  ({ gateway, url } = await startGatewayFor(sandbox.url, {}, 60_000));
}, 90_000);
afterAll(async () => {
  await gateway?.stop();
  await sandbox?.close();
});

const picture = makeJpeg(1024, 1024, { totalBytes: MiB });

/** Keeps `connections` 1 MiB uploads in flight for `ms`; returns how many succeeded and failed. */
async function keepInFlight(connections: number, ms: number): Promise<{ ok: number; failed: number }> {
  const until = Date.now() + ms;
  const tally = { ok: 0, failed: 0 };
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < until) {
        const { body } = await postMultipart(url, {
          query: 'mutation ($input: UpdateGroupInput!) { updateGroup(input: $input) { success } }',
          variables: { input: { id: sandbox.groups.seedGroup().id, profilePicture: null } },
          file: { bytes: picture },
          headers: { authorization: `Bearer ${TOKEN}`, 'x-graphql-yoga-csrf': '1' },
        });
        if (JSON.stringify(body) === '{"data":{"updateGroup":{"success":true}}}') tally.ok++;
        else tally.failed++;
      }
    }),
  );
  return tally;
}

describe('memory of pictures in flight', () => {
  it('20 uploads of 1 MiB kept in flight grow the resident size by less than twice the 20 MiB they carry', async () => {
    // From one upload in flight (so first-request and module costs are not counted), as the benchmark measures.
    await keepInFlight(1, 2_000);
    const { result, growth } = await peakGrowthOf(gateway.child.pid!, () => keepInFlight(IN_FLIGHT, 5_000));
    expect(result.failed).toBe(0);
    expect(result.ok).toBeGreaterThanOrEqual(IN_FLIGHT);
    // Pictures read into memory grew it by 3.7× (75 MiB, scripts/upload-memory.ts); sent from the
    // spooled file, by about 0.5×. Twice the bytes in flight leaves room for garbage not yet collected.
    expect(growth).toBeLessThan(2 * IN_FLIGHT * MiB);
  });
});
