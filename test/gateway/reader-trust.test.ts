import { afterEach, describe, expect, it } from 'vitest';
import { alteringUpstream } from '../helpers/altering-upstream.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

const twoLookups = (a: string, b: string) => `{ a: group(id: "${a}") { id subject } b: group(id: "${b}") { id subject } }`;

describe('a refused read mechanism is remembered per token, never for everyone', () => {
  it('after one token has its batch read refused, another token\'s next 2-id read is still one batch request', async () => {
    gw = await startGateway();
    gw.sandbox.tokens.addToken('refused-token', { groups: '*', refuses: ['batch'] });
    gw.sandbox.tokens.addToken('other-token', { groups: '*' });
    const [first, second] = [gw.sandbox.groups.seedGroup().id, gw.sandbox.groups.seedGroup().id];
    gw.takeUpstreamRequests();

    const refused = await gw.query(twoLookups(first, second), undefined, { authorization: 'Bearer refused-token' });
    expect(refused.body.errors).toBeUndefined();
    expect(gw.takeUpstreamRequests().map((r) => [r.kind, r.status])).toEqual([['batch', 400], ['ids', 200]]);

    const other = await gw.query(twoLookups(first, second), undefined, { authorization: 'Bearer other-token' });
    expect(other.body.errors).toBeUndefined();
    expect(gw.takeUpstreamRequests().map((r) => [r.kind, r.status, r.ids])).toEqual([['batch', 200, [first, second]]]);

    // The refused token remembers its own refusal: straight to `ids`.
    await gw.query(twoLookups(first, second), undefined, { authorization: 'Bearer refused-token' });
    expect(gw.takeUpstreamRequests().map((r) => r.kind)).toEqual(['ids']);
  });

  it('a 4xx that does not refuse the mechanism (a bad appsecret_proof) is every id\'s error, and batching stays on', async () => {
    // The gateway signs with a secret the sandbox does not share: every call is refused for its proof.
    gw = await startGateway({ env: { WHATSAPP_APP_SECRET: 'not-the-apps-secret' }, sandbox: { appSecret: 'the-apps-secret' } });
    const [first, second] = [gw.sandbox.groups.seedGroup().id, gw.sandbox.groups.seedGroup().id];
    gw.takeUpstreamRequests();
    for (let i = 0; i < 2; i++) {
      const { body } = await gw.query(twoLookups(first, second));
      expect(body.data).toEqual({ a: null, b: null });
      expect(body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['a'], 'BAD_USER_INPUT'], [['b'], 'BAD_USER_INPUT']]);
      // One batch request each time: neither `batch` nor `ids` was marked refused.
      expect(gw.takeUpstreamRequests().map((r) => [r.kind, r.status])).toEqual([['batch', 400]]);
    }
  });
});

describe('an answer is only returned for the id it was asked for', () => {
  it('a batch slot carrying another group\'s data is an error for that id, not that group', async () => {
    gw = await startGateway({
      // The upstream answers slot 0 with slot 1's body (another group's data).
      upstream: (sandboxUrl) =>
        alteringUpstream(sandboxUrl, (exchange) => {
          if (exchange.method !== 'POST' || !Array.isArray(exchange.body)) return undefined;
          const slots = exchange.body as { code: number; body: string }[];
          return { ...exchange, body: [slots[1], ...slots.slice(1)] };
        }),
    });
    const first = gw.sandbox.groups.seedGroup({ subject: 'Mine' }).id;
    const second = gw.sandbox.groups.seedGroup({ subject: 'Someone else' }).id;
    const { body } = await gw.query(twoLookups(first, second));
    expect(body.data).toEqual({ a: null, b: { id: second, subject: 'Someone else' } });
    expect(body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['a'], 'UPSTREAM_ERROR']]);
    expect(JSON.stringify(body.errors)).not.toContain(second);
  });

  it('a single read answered with another group\'s data is an error, not that group', async () => {
    let other = '';
    gw = await startGateway({
      upstream: (sandboxUrl) =>
        alteringUpstream(sandboxUrl, (exchange) =>
          exchange.method === 'GET' && typeof exchange.body === 'object' && exchange.body !== null && 'id' in exchange.body
            ? { ...exchange, body: { ...exchange.body, id: other, subject: 'Someone else' } }
            : undefined,
        ),
    });
    const mine = gw.sandbox.groups.seedGroup({ subject: 'Mine' }).id;
    other = gw.sandbox.groups.seedGroup().id;
    const { body } = await gw.query(`{ group(id: "${mine}") { id subject } }`);
    expect(body.data).toEqual({ group: null });
    expect(body.errors?.[0]).toMatchObject({ path: ['group'], extensions: { code: 'UPSTREAM_ERROR' } });
    expect(JSON.stringify(body)).not.toContain('Someone else');
  });

  it('an ids answer keyed by the asked id but holding another group is an error for that id', async () => {
    gw = await startGateway({
      env: { GRAPH_BATCH_MODE: 'ids' },
      upstream: (sandboxUrl) =>
        alteringUpstream(sandboxUrl, (exchange) => {
          if (exchange.method !== 'GET' || !exchange.url.includes('ids=')) return undefined;
          const answer = exchange.body as Record<string, { id: string }>;
          const [a, b] = Object.keys(answer);
          return { ...exchange, body: { ...answer, [a!]: answer[b!] } };
        }),
    });
    const first = gw.sandbox.groups.seedGroup().id;
    const second = gw.sandbox.groups.seedGroup({ subject: 'Second' }).id;
    const { body } = await gw.query(twoLookups(first, second));
    expect(body.data).toEqual({ a: null, b: { id: second, subject: 'Second' } });
    expect(body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['a'], 'UPSTREAM_ERROR']]);
  });
});
