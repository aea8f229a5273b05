/** Upstream spans of message sends and media uploads are labelled by their route, not as a group's edge. */
import { afterAll, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/index.js';
import { postMultipart } from '../helpers/multipart.js';
import { startGatewayProcess } from '../helpers/start-process.js';
import { makeJpeg } from '../sandbox/jpeg.js';
import { seedTenant } from '../sandbox/tenants.js';
import { SPAN_KIND, startOtlpReceiver } from './otlp-receiver.js';

/** A gateway process starting through tsx takes 15-20 s on a loaded 2-core machine. */
const STARTUP_MS = 90_000;

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it('a send is `POST /{v}/{phone-number-id}/messages` of kind messages, its upload `POST /{v}/{phone-number-id}/media` of kind media', { timeout: 180_000 }, async () => {
  const sandbox = await startSandbox();
  cleanups.push(() => sandbox.close());
  const tenant = seedTenant(sandbox, 1);
  const receiver = await startOtlpReceiver();
  cleanups.push(() => receiver.close());
  const gateway = startGatewayProcess({
    GRAPH_API_URL: sandbox.url,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: '50',
  });
  cleanups.push(() => gateway.stop());
  const [, port] = await gateway.waitFor(/"port":(\d+)[^\n]*"gateway listening"/, STARTUP_MS);

  const { status, body } = await postMultipart(`http://127.0.0.1:${port}/graphql`, {
    query: 'mutation Post($input: SendGroupMessageInput!) { sendGroupMessage(input: $input) { messageId } }',
    variables: { input: { phoneNumberId: tenant.phoneNumberId, groupId: tenant.groupIds[0], media: { kind: 'IMAGE', file: null } } },
    fileVariable: 'variables.input.media.file',
    file: { bytes: makeJpeg(64, 64), filename: 'a.jpg', contentType: 'image/jpeg' },
    headers: { authorization: `Bearer ${tenant.token}`, 'x-graphql-yoga-csrf': '1' },
  });
  expect(status).toBe(200);
  expect(body.errors).toBeUndefined();

  await expect.poll(() => receiver.spans().filter((s) => s.kind === SPAN_KIND.CLIENT).length, { timeout: 60_000 }).toBe(2);
  const client = receiver.spans().filter((s) => s.kind === SPAN_KIND.CLIENT);
  expect(client.map((s) => ({ name: s.name, template: s.attributes['url.template'], kind: s.attributes['graph.request.kind'], route: s.attributes['graph.route'] }))).toEqual([
    { name: 'POST /{v}/{phone-number-id}/media', template: '/{v}/{phone-number-id}/media', kind: 'media', route: 'media.upload' },
    { name: 'POST /{v}/{phone-number-id}/messages', template: '/{v}/{phone-number-id}/messages', kind: 'messages', route: 'messages.send' },
  ]);
  // No id in the span: not the phone number's, not the group's.
  const text = JSON.stringify(client);
  expect(text).not.toContain(tenant.phoneNumberId);
  expect(text).not.toContain(tenant.groupIds[0]);
});
