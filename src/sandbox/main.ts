/**
 * Standalone sandbox: `tsx src/sandbox/main.ts`. Seeds demo data and prints the URL and
 * the demo token, so a separate process (benchmark, load test, a curious newcomer) can
 * talk to it. Environment: SANDBOX_PORT (default 4010), SANDBOX_HOST (default 127.0.0.1; 0.0.0.0 in
 * a container), SANDBOX_LATENCY_MS (default 0),
 * SANDBOX_APP_SECRET (optional; then every call needs an appsecret_proof).
 */
import { pino } from 'pino';
import { startSandbox, type SandboxOptions } from './index.js';

function readEnv(env: NodeJS.ProcessEnv): SandboxOptions {
  const problems: string[] = [];
  const int = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0) problems.push(`${name} must be a non-negative integer (got "${raw}")`);
    return value;
  };
  const options: SandboxOptions = {
    port: int('SANDBOX_PORT', 4010),
    host: env.SANDBOX_HOST || '127.0.0.1',
    latencyMs: int('SANDBOX_LATENCY_MS', 0),
    seedDemo: true,
    logger: pino({ name: 'sandbox' }),
  };
  const secret = env.SANDBOX_APP_SECRET;
  if (secret !== undefined && secret !== '') options.appSecret = secret;
  if (problems.length > 0) throw new Error(`Invalid sandbox environment:\n  ${problems.join('\n  ')}`);
  return options;
}

const sandbox = await startSandbox(readEnv(process.env));
// The demo token is a public demo credential that opens only this emulator, hence printed.
process.stdout.write(
  [
    `WhatsApp Groups Graph API sandbox listening on ${sandbox.url}`,
    `demo token: ${sandbox.demoToken ?? ''}`,
    `demo groups: ${sandbox.demoGroupIds.join(', ')}`,
    `demo phone number: ${sandbox.demoPhoneNumberId ?? ''}`,
    `demo message: ${sandbox.demoMessageId ?? ''} (posted by the business in the first demo group)`,
    `try: curl -H "Authorization: Bearer ${sandbox.demoToken ?? ''}" "${sandbox.url}/v23.0/${sandbox.demoGroupIds[0] ?? ''}?fields=subject,participants"`,
    '',
  ].join('\n'),
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void sandbox.close().then(() => process.exit(0));
  });
}
