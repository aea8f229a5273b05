/**
 * Starting and stopping the processes under test: each is a plain `node` process from built JS,
 * listening on a loopback port chosen here, ready once its readiness URL answers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

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

/** A free loopback port: bind port 0, read it, release it. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('could not allocate a port');
  return address.port;
}

export async function startNode(options: StartOptions): Promise<Started> {
  const nodeArgs = [...(options.nodeArgs ?? []), options.script];
  const [command, args] = options.cpus
    ? ['taskset', ['-c', options.cpus, process.execPath, ...nodeArgs]]
    : [process.execPath, nodeArgs];
  const child = spawn(command, args, {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
    stdio: ['ignore', options.quiet ? 'ignore' : 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-8_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const started: Started = {
    name: options.name,
    pid: child.pid ?? -1,
    tail: () => output,
    stop: () => stopChild(child, exited),
  };
  try {
    await waitReady(options, child, exited);
  } catch (error) {
    await started.stop();
    throw new Error(`${options.name} did not start: ${(error as Error).message}\n${started.tail()}`);
  }
  return started;
}

async function waitReady(options: StartOptions, child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  const deadline = Date.now() + (options.readyTimeoutMs ?? 20_000);
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  while (Date.now() < deadline) {
    if (exitCode !== undefined || child.exitCode !== null) throw new Error(`exited with code ${exitCode ?? child.exitCode}`);
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
async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}
