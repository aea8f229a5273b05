import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface GatewayProcess {
  child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the first match of `pattern` in the output, or rejects after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `src/main.ts` as `npm start` does (through tsx), with the given environment. */
export function startGatewayProcess(env: Record<string, string>): GatewayProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  return {
    child,
    output: () => output,
    exited,
    waitFor(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const deadline = Date.now() + timeoutMs;
        const poll = setInterval(() => {
          const match = output.match(pattern);
          if (match) {
            clearInterval(poll);
            resolve(match);
          } else if (Date.now() > deadline || child.exitCode !== null) {
            clearInterval(poll);
            reject(new Error(`Did not print ${pattern} (exit ${child.exitCode}). Output:\n${output}`));
          }
        }, 50);
      });
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * A gateway process in front of `graphApiUrl` (a sandbox the test runs), listening on a free loopback
 * port; resolves with the process and its /graphql URL once it listens. A process that does not
 * start in `startupMs` is stopped before the error is thrown.
 */
export async function startGatewayFor(
  graphApiUrl: string,
  env: Record<string, string> = {},
  startupMs?: number,
): Promise<{ gateway: GatewayProcess; url: string }> {
  const gateway = startGatewayProcess({ PORT: '0', HOST: '127.0.0.1', GRAPH_API_URL: graphApiUrl, LOG_LEVEL: 'info', ...env });
  try {
    const [, port] = await gateway.waitFor(/"port":(\d+)/, startupMs);
    return { gateway, url: `http://127.0.0.1:${port}/graphql` };
  } catch (error) {
    await gateway.stop();
    throw error;
  }
}
