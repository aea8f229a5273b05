/**
 * Starting and stopping the processes tests, scripts and the benchmark run: the gateway through tsx
 * as `npm start` does (tests), or plain `node` from built JS (the benchmark), each with its output
 * kept for waits and error reports.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** A free loopback port: bind port 0, read it, release it. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('could not allocate a port');
  return address.port;
}

export interface LaunchOptions {
  command: string;
  args: string[];
  /** The whole environment but PATH and HOME, which are passed on. */
  env: Record<string, string>;
  cwd?: string;
  /** Discard stdout (the sandbox logs a line per request; only errors matter then). */
  quiet?: boolean;
  /** Keep only the last this many characters of output (a long benchmark run); default: everything. */
  keep?: number;
}

export interface Launched {
  child: ChildProcess;
  readonly pid: number;
  /** What the process printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the first match of `pattern` in the output, or rejects after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Spawns a process and keeps its output. */
export function launch(options: LaunchOptions): Launched {
  const child = spawn(options.command, options.args, {
    cwd: options.cwd ?? root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
    stdio: ['ignore', options.quiet ? 'ignore' : 'pipe', 'pipe'],
  });
  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (options.keep !== undefined && output.length > options.keep) output = output.slice(-options.keep);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    pid: child.pid ?? -1,
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
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export type GatewayProcess = Launched;

/** Starts `src/main.ts` as `npm start` does (through tsx), with the given environment. */
export function startGatewayProcess(env: Record<string, string>): GatewayProcess {
  return launch({ command: process.execPath, args: ['--import', 'tsx', 'src/main.ts'], env: { LOG_LEVEL: 'warn', ...env } });
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

export interface StartOptions {
  /** Shown in errors and in the process's forwarded log lines. */
  name: string;
  script: string;
  env: Record<string, string>;
  /** GET this URL until it answers with a status below 500. */
  readyUrl: string;
  nodeArgs?: string[];
  /** Pin to these CPUs with taskset (e.g. "1"). */
  cpus?: string | undefined;
  readyTimeoutMs?: number;
  /** Discard stdout (the sandbox logs a line per request; only errors matter here). */
  quiet?: boolean;
}

export interface Started {
  readonly name: string;
  readonly pid: number;
  /** The last 8 kB the process wrote (stdout and stderr), for error reports. */
  tail(): string;
  stop(): Promise<void>;
}

/** A built script under plain `node` (the benchmark's servers), ready once its readiness URL answers. */
export async function startNode(options: StartOptions): Promise<Started> {
  const nodeArgs = [...(options.nodeArgs ?? []), options.script];
  const [command, args] = options.cpus ? ['taskset', ['-c', options.cpus, process.execPath, ...nodeArgs]] : [process.execPath, nodeArgs];
  const launched = launch({ command, args, env: options.env, keep: 8_000, ...(options.quiet ? { quiet: true } : {}) });
  const started: Started = {
    name: options.name,
    pid: launched.pid,
    tail: () => launched.output(),
    stop: () => stopGently(launched),
  };
  try {
    await waitReady(options, launched);
  } catch (error) {
    await started.stop();
    throw new Error(`${options.name} did not start: ${(error as Error).message}\n${started.tail()}`);
  }
  return started;
}

async function waitReady(options: StartOptions, launched: Launched): Promise<void> {
  const deadline = Date.now() + (options.readyTimeoutMs ?? 20_000);
  let exitCode: number | null | undefined;
  void launched.exited.then((code) => (exitCode = code));
  while (Date.now() < deadline) {
    if (exitCode !== undefined || launched.child.exitCode !== null) throw new Error(`exited with code ${exitCode ?? launched.child.exitCode}`);
    try {
      const response = await fetch(options.readyUrl, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`no answer from ${options.readyUrl} within ${options.readyTimeoutMs ?? 20_000} ms`);
}

/** SIGINT first (the gateway shuts down cleanly and --cpu-prof writes its profile), SIGKILL after 15 s (writing a CPU profile on a loaded machine takes a while). */
async function stopGently(launched: Launched): Promise<void> {
  const { child } = launched;
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await launched.exited;
  clearTimeout(timer);
}
