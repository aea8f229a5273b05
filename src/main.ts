import { createServer } from 'node:http';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createGateway, type GraphiQLDefaults } from './gateway.js';
import { createLogger, type Logger } from './logger.js';
import { startSandbox, type Sandbox } from './sandbox/index.js';

/** Process entry: read config, start the sandbox when no upstream is configured, listen, stop cleanly. */
async function main(): Promise<void> {
  const logger = createLogger({ level: process.env.LOG_LEVEL });
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }

  const sandbox = config.graphApiUrl ? undefined : await startSandbox({ seedDemo: true });
  const graphApiUrl = config.graphApiUrl ?? sandbox!.url;
  const gateway = createGateway({ config, graphApiUrl, logger, ...(sandbox ? { graphiql: graphiqlForSandbox(sandbox) } : {}) });

  const server = createServer(gateway.yoga);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ port, upstream: sandbox ? 'sandbox' : graphApiUrl, batchMode: config.batchMode }, 'gateway listening');
  if (sandbox) printSandboxBanner(port, sandbox, logger);

  const stop = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    server.close(async () => {
      await gateway.close();
      await sandbox?.close();
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
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
      '',
      `  curl http://localhost:${port}/graphql -H 'content-type: application/json' \\`,
      `    -H 'authorization: Bearer ${sandbox.demoToken}' \\`,
      `    -d '{"query":"{ group(id: \\"${sandbox.demoGroupIds[0]}\\") { subject participants { waId } } }"}'`,
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
