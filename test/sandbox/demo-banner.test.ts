import { afterEach, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../../support/processes.js';
import { get } from './graph-client.js';

let proc: GatewayProcess | undefined;
afterEach(async () => {
  await proc?.stop('SIGKILL');
  proc = undefined;
});

describe('npm start banner', () => {
  it('prints the demo phone number, whose groups the printed demo token can list from the printed sandbox', async () => {
    proc = startGatewayProcess({ PORT: '0' });
    const [, sandboxUrl] = await proc.waitFor(/Sandbox:\s+(http:\S+)/);
    const [, token] = await proc.waitFor(/Demo token:\s+(\S+)/);
    const [, phone] = await proc.waitFor(/ {2}Demo phone number: (\d+)/);
    const res = await get(sandboxUrl!, `/v23.0/${phone}/groups?limit=100`, token);
    expect(res.status).toBe(200);
    expect((res.json as { data: { groups: unknown[] } }).data.groups.length).toBeGreaterThanOrEqual(60);
  });
});
