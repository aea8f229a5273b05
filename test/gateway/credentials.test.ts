import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

const subjectOf = (id: string) => `{ group(id: "${id}") { subject } }`;

describe('credentials', () => {
  it('without Authorization and without WHATSAPP_ACCESS_TOKEN the operation is UNAUTHENTICATED and nothing goes upstream', async () => {
    gw = await startGateway();
    gw.takeUpstreamRequests();
    const { body } = await gw.query(subjectOf(gw.sandbox.demoGroupIds[0]!), undefined, { authorization: undefined });
    expect(body).toEqual({
      data: { group: null },
      errors: [
        {
          message: 'Send `Authorization: Bearer <WhatsApp access token>` (or configure WHATSAPP_ACCESS_TOKEN)',
          locations: [{ line: 1, column: 3 }],
          path: ['group'],
          extensions: { code: 'UNAUTHENTICATED' },
        },
      ],
    });
    expect(gw.takeUpstreamRequests()).toEqual([]);
  });

  it('an Authorization header that is not a bearer token is UNAUTHENTICATED, with no upstream call', async () => {
    gw = await startGateway();
    gw.takeUpstreamRequests();
    const { body } = await gw.query(subjectOf(gw.sandbox.demoGroupIds[0]!), undefined, { authorization: 'Basic dXNlcjpwYXNz' });
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED' });
    expect(gw.takeUpstreamRequests()).toEqual([]);
  });

  it('introspection and __typename need no token', async () => {
    gw = await startGateway();
    const { body } = await gw.query('{ __typename __type(name: "Group") { name } }', undefined, { authorization: undefined });
    expect(body).toEqual({ data: { __typename: 'Query', __type: { name: 'Group' } } });
  });

  it('WHATSAPP_ACCESS_TOKEN is used when the request has no Authorization header; the header wins when present', async () => {
    gw = await startGateway({ env: { WHATSAPP_ACCESS_TOKEN: 'server-token' } });
    const id = gw.sandbox.demoGroupIds[0]!;
    gw.sandbox.tokens.addToken('server-token', { groups: [id] });
    gw.takeUpstreamRequests();
    const viaEnv = await gw.query(subjectOf(id), undefined, { authorization: undefined });
    expect(viaEnv.body.errors).toBeUndefined();
    const viaHeader = await gw.query(subjectOf(id), undefined, { authorization: 'Bearer not-a-known-token' });
    expect(viaHeader.body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', graphApi: { code: 190 } });
    const [envRequest, headerRequest] = gw.takeUpstreamRequests();
    expect(envRequest?.tokenFingerprint).not.toEqual(headerRequest?.tokenFingerprint);
  });

  it('each caller sees only its own groups, even in concurrent operations', async () => {
    gw = await startGateway();
    const a = gw.sandbox.groups.seedGroup({ subject: 'Tenant A group' });
    const b = gw.sandbox.groups.seedGroup({ subject: 'Tenant B group' });
    gw.sandbox.tokens.addToken('tenant-a', { groups: [a.id] });
    gw.sandbox.tokens.addToken('tenant-b', { groups: [b.id] });
    const both = `{ a: group(id: "${a.id}") { subject } b: group(id: "${b.id}") { subject } }`;
    const [asA, asB] = await Promise.all([
      gw.query(both, undefined, { authorization: 'Bearer tenant-a' }),
      gw.query(both, undefined, { authorization: 'Bearer tenant-b' }),
    ]);
    expect(asA.body.data).toEqual({ a: { subject: 'Tenant A group' }, b: null });
    expect(asB.body.data).toEqual({ a: null, b: { subject: 'Tenant B group' } });
    expect(asA.body.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
  });

  it('no token appears in a response, even when the Graph API rejects it', async () => {
    gw = await startGateway();
    const secret = 'EAAG-very-secret-token-value';
    const { body } = await gw.query(subjectOf(gw.sandbox.demoGroupIds[0]!), undefined, { authorization: `Bearer ${secret}` });
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(body)).not.toContain(secret);
  });
});

describe('appsecret_proof', () => {
  it('with WHATSAPP_APP_SECRET every upstream call carries a timed appsecret_proof the Graph API accepts', async () => {
    gw = await startGateway({ env: { WHATSAPP_APP_SECRET: 'app-secret-1' }, sandbox: { appSecret: 'app-secret-1' } });
    const ids = gw.sandbox.demoGroupIds.slice(0, 2);
    gw.takeUpstreamRequests();
    const { body } = await gw.query(`{ a: group(id: "${ids[0]}") { subject } b: group(id: "${ids[1]}") { subject } }`);
    expect(body.errors).toBeUndefined();
    const upstream = gw.takeUpstreamRequests();
    expect(upstream.length).toBeGreaterThan(0);
    expect(upstream.map((r) => r.appsecretProof)).toEqual(upstream.map(() => 'timed'));
  });

  it('a wrong app secret is refused upstream and reported, not hidden', async () => {
    gw = await startGateway({ env: { WHATSAPP_APP_SECRET: 'wrong' }, sandbox: { appSecret: 'right' } });
    const { body } = await gw.query(subjectOf(gw.sandbox.demoGroupIds[0]!));
    expect(body.data).toEqual({ group: null });
    expect(body.errors?.[0]?.extensions).toMatchObject({ graphApi: { code: 100 } });
    expect(JSON.stringify(body)).not.toContain('wrong');
  });
});
