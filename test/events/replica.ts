import { startGatewayProcess, type GatewayProcess } from '../../support/processes.js';
import { APP_SECRET, VERIFY_TOKEN } from './support.js';

export interface Replica {
  origin: string;
  webhookUrl: string;
  process: GatewayProcess;
  stop(): Promise<void>;
}

/** One gateway replica as its own process (`src/main.ts` through tsx), on a free port. */
export async function startReplica(env: { GRAPH_API_URL: string; REDIS_URL?: string } & Record<string, string>): Promise<Replica> {
  const process = startGatewayProcess({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    WHATSAPP_APP_SECRET: APP_SECRET,
    WHATSAPP_WEBHOOK_VERIFY_TOKEN: VERIFY_TOKEN,
    ...env,
  });
  const [, port] = await process.waitFor(/"port":(\d+)[^\n]*gateway listening/, 60_000);
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    webhookUrl: `${origin}/webhooks/whatsapp`,
    process,
    stop: async () => void (await process.stop('SIGTERM')),
  };
}

/** Waits until `/ready` answers 200 (Redis reached). */
export async function waitUntilReady(origin: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await fetch(`${origin}/ready`).then((r) => r.status, () => 0);
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`${origin}/ready stayed ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
