import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createGateway, type GraphiQLDefaults } from './gateway.js';
import { createLogger, type Logger } from './logger.js';
import { startSandbox, WebhookDelivery, type Sandbox } from './sandbox/index.js';
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
    production: config.production,
  });
  if (webhooks) webhooks.target = `http://${loopbackHost(config.host)}:${running.port}/webhooks/whatsapp`;
  logger.info({ port: running.port, upstream: sandbox ? 'sandbox' : graphApiUrl, batchMode: config.batchMode }, 'gateway listening');
  if (sandbox) printSandboxBanner(running.port, sandbox, logger);

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

function graphiqlForSandbox(sandbox: Sandbox): GraphiQLDefaults {
  const [first = 'GROUP_ID', second = first] = sandbox.demoGroupIds;
  return {
    defaultQuery: `# Sandbox: demo groups served by the built-in Graph API emulator.
# The Authorization header (see "Headers" below) holds the sandbox's demo token.
query DemoGroups {
  first: group(id: "${first}") {
    id
    subject
    description
    joinApprovalMode
    createdAt
    participants { waId username }
    totalParticipantCount
  }
  second: group(id: "${second}") { id subject }
}
`,
    defaultHeaders: JSON.stringify({ Authorization: `Bearer ${sandbox.demoToken}` }, null, 2),
  };
}

/** The demo token is a public sandbox credential, printed so a newcomer can copy it into curl. */
function printSandboxBanner(port: number, sandbox: Sandbox, logger: Logger): void {
  logger.info({ sandbox: sandbox.url, demoGroupIds: sandbox.demoGroupIds }, 'no GRAPH_API_URL: serving the built-in sandbox');
  process.stdout.write(
    [
      '',
      `  GraphiQL:    http://localhost:${port}/graphql`,
      `  Sandbox:     ${sandbox.url} (Graph API emulator, demo data)`,
      `  Demo token:  ${sandbox.demoToken}`,
      `  Demo groups: ${sandbox.demoGroupIds.join(', ')}`,
      `  Demo phone number: ${sandbox.demoPhoneNumberId}`,
      '',
      `  curl http://localhost:${port}/graphql -H 'content-type: application/json' \\`,
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
