import { afterEach, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../../support/processes.js';
import { get, postJson } from './graph-client.js';

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

  it('prints the demo message, which the printed demo token pins in the first printed demo group', async () => {
    proc = startGatewayProcess({ PORT: '0' });
    const [, sandboxUrl] = await proc.waitFor(/Sandbox:\s+(http:\S+)/);
    const [, token] = await proc.waitFor(/Demo token:\s+(\S+)/);
    const [, groups] = await proc.waitFor(/Demo groups:\s+(.+)/);
    const [, phone] = await proc.waitFor(/ {2}Demo phone number: (\d+)/);
    const [, messageId] = await proc.waitFor(/ {2}Demo message: (wamid\.\S+)/);
    const to = groups!.split(', ')[0];
    const res = await postJson(sandboxUrl!, `/v23.0/${phone}/messages`,
      { messaging_product: 'whatsapp', recipient_type: 'group', to, type: 'pin', pin: { type: 'pin', message_id: messageId, expiration_days: 7 } }, token);
    expect(res.status).toBe(200);
  });
});
