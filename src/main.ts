import { randomBytes } from 'node:crypto';
import { ConfigError, isLoopbackHost, loadConfig, type Config } from './config.js';
import { createGateway } from './gateway.js';
import { createLogger, type Logger } from './logger.js';
import { startSandbox, WebhookDelivery, type Sandbox } from './sandbox/index.js';
import { graphiqlForSandbox } from './sandbox-graphiql.js';
import { startServer } from './server.js';

/** Process entry: read config, start the sandbox when no upstream is configured, listen, stop cleanly. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  const logger = createLogger({ level: config.logLevel });
  // A stray rejection is a bug to log, not a reason to drop every request in flight.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));

  // Before any request: the SDK patches node:http and listens to undici. Never loaded without an endpoint.
  const tracing = config.tracing ? await (await import('./observability/tracing.js')).startTracing(config.tracing) : undefined;

  // With the sandbox, it sends its webhooks to this gateway, signed with a secret the two share
  // (WHATSAPP_APP_SECRET when set, else one made up for this run).
  const webhookAppSecret = config.graphApiUrl ? undefined : (config.appSecret ?? randomBytes(32).toString('hex'));
  const webhooks = webhookAppSecret === undefined ? undefined : new WebhookDelivery({ appSecret: webhookAppSecret });
  const sandbox = config.graphApiUrl ? undefined : await startSandbox({ seedDemo: true, ...(webhooks ? { webhooks } : {}) });
  const graphApiUrl = config.graphApiUrl ?? sandbox!.url;
  const gateway = createGateway({
    config,
    graphApiUrl,
    logger,
    webhookAppSecret,
    ...(sandbox ? { graphiql: graphiqlForSandbox(sandbox) } : {}),
  });

  const running = await startServer({
    gateway,
    logger,
    port: config.port,
    host: config.host,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    headersTimeoutMs: config.headersTimeoutMs,
    requestTimeoutMs: config.requestTimeoutMs,
    metricsPort: config.metricsPort,
    metricsHost: config.metricsHost,
  });
  if (webhooks) webhooks.target = `http://${loopbackHost(config.host)}:${running.port}/webhooks/whatsapp`;
  logger.info(
    {
      host: config.host,
      port: running.port,
      ...(running.metricsPort !== undefined ? { metricsHost: config.metricsHost, metricsPort: running.metricsPort } : {}),
      upstream: sandbox ? 'sandbox' : graphApiUrl,
      batchMode: config.batchMode,
    },
    'gateway listening',
  );
  if (config.production && config.metrics && config.metricsPort === undefined && config.metricsToken === undefined) {
    logger.warn('GET /metrics is served on the public port to anyone: set METRICS_PORT (a port of its own, on loopback) or METRICS_TOKEN');
  }
  if (sandbox) printSandboxBanner(running.port, config.host, sandbox, logger);

  let signals = 0;
  const stop = (signal: NodeJS.Signals) => {
    // A second signal means "now": skip the wait for requests in flight.
    if (++signals > 1) process.exit(1);
    void running
      .shutdown(signal)
      .then(() => {
        webhooks?.close();
        return sandbox?.close();
      })
      .then(() => tracing?.shutdown())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** The demo token is a public sandbox credential, printed so a newcomer can copy it into curl. */
function printSandboxBanner(port: number, host: string, sandbox: Sandbox, logger: Logger): void {
  logger.info({ sandbox: sandbox.url, demoGroupIds: sandbox.demoGroupIds }, 'no GRAPH_API_URL: serving the built-in sandbox');
  // Loopback unless HOST says otherwise (config.ts). Anyone who can reach HOST can use the demo
  // token: say so when that is more than this machine.
  const exposed = !isLoopbackHost(host);
  if (exposed) logger.warn({ host }, 'the sandbox gateway listens beyond loopback: anyone who can reach it can use the demo token');
  const origin = `http://${loopbackHost(host)}:${port}`;
  process.stdout.write(
    [
      '',
      ...(exposed
        ? [
            `  WARNING: sandbox mode listens on ${host} (HOST), not only on loopback: anyone who can reach this port`,
            '  can use the demo token. Unset HOST to keep it on this machine, or set GRAPH_API_URL for a real deployment.',
          ]
        : [`  Listening on ${host} only (this machine). Set HOST=0.0.0.0 to be reachable from elsewhere (e.g. out of a container).`]),
      '',
      `  GraphiQL:    ${origin}/graphql`,
      `  Sandbox:     ${sandbox.url} (Graph API emulator, demo data)`,
      `  Demo token:  ${sandbox.demoToken}`,
      `  Demo groups: ${sandbox.demoGroupIds.join(', ')}`,
      `  Demo phone number: ${sandbox.demoPhoneNumberId}`,
      `  Demo message: ${sandbox.demoMessageId} (posted by the business in the first demo group)`,
      '',
      `  curl ${origin}/graphql -H 'content-type: application/json' \\`,
      `    -H 'authorization: Bearer ${sandbox.demoToken}' \\`,
      `    -d '{"query":"{ group(id: \\"${sandbox.demoGroupIds[0]}\\") { subject participants { waId } } }"}'`,
      '',
    ].join('\n'),
  );
}

/** Where the sandbox reaches this gateway: loopback when it listens on every interface. */
function loopbackHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

main().catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
