/**
 * The three processes a benchmark pass needs, each started from built JS (`npm run build`):
 * the sandbox (dist/src/sandbox/main.js), the gateway (dist/src/main.js, as `npm run start:prod`
 * runs it) and the bare proxy (dist/bench/bare-proxy.js).
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort, startNode, type Started } from '../support/processes.js';
import type { BenchSettings } from './settings.js';

export interface Server extends Started {
  readonly url: string;
}

const dist = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

/** Where --cpu-prof writes: bench/results/profiles (the source tree, not dist). */
export const PROFILE_DIR = fileURLToPath(new URL('../../bench/results/profiles', import.meta.url));

export async function startSandbox(latencyMs: number, settings: BenchSettings): Promise<Server> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = await startNode({
    name: 'sandbox',
    script: dist('src/sandbox/main.js'),
    env: { SANDBOX_PORT: String(port), SANDBOX_LATENCY_MS: String(latencyMs), NODE_ENV: 'production' },
    readyUrl: `${url}/__sandbox/state`,
    quiet: true,
    cpus: settings.pin ? '0' : undefined,
  });
  return { ...started, url };
}

/** A gateway build other than dist/src/main.js (`ab.ts`), and env added to (or overriding) the bench's. */
export interface GatewayVariant {
  name?: string;
  entry?: string | undefined;
  env?: Record<string, string>;
  nodeArgs?: string[];
}

export async function startGateway(sandboxUrl: string, settings: BenchSettings, profileName?: string, variant: GatewayVariant = {}): Promise<Server> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = await startNode({
    name: variant.name ?? 'gateway',
    script: variant.entry ?? settings.gatewayEntry ?? dist('src/main.js'),
    env: {
      NODE_ENV: 'production',
      // Production turns introspection off; the bench reads the schema to find its scenarios.
      GRAPHQL_INTROSPECTION: 'true',
      // The load generator sends more than the production per-process limits expect from one client.
      UPSTREAM_MAX_QUEUE: '4096',
      HOST: '127.0.0.1',
      PORT: String(port),
      GRAPH_API_URL: sandboxUrl,
      GRAPH_API_VERSION: settings.graphApiVersion,
      UPSTREAM_CONNECTIONS: String(settings.upstreamConnections),
      ...variant.env,
    },
    nodeArgs: [...settings.nodeArgs, ...(variant.nodeArgs ?? []), ...profileArgs(settings, profileName)],
    readyUrl: `${url}/health`,
    cpus: settings.pin ? '1' : undefined,
  });
  return { ...started, url };
}

export async function startBareProxy(sandboxUrl: string, settings: BenchSettings, profileName?: string): Promise<Server> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = await startNode({
    name: 'bare proxy',
    script: dist('bench/bare-proxy.js'),
    env: { UPSTREAM_URL: sandboxUrl, PORT: String(port), UPSTREAM_CONNECTIONS: String(settings.upstreamConnections) },
    nodeArgs: [...settings.nodeArgs, ...profileArgs(settings, profileName)],
    readyUrl: `${url}/__proxy/health`,
    cpus: settings.pin ? '1' : undefined,
  });
  return { ...started, url };
}

/** The plain graphql-yoga + DataLoader reference (bench/plain-yoga.ts), pinned like the gateway. */
export async function startPlainYoga(sandboxUrl: string, settings: BenchSettings, profileName?: string): Promise<Server> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = await startNode({
    name: 'plain yoga',
    script: dist('bench/plain-yoga.js'),
    env: {
      NODE_ENV: 'production',
      UPSTREAM_URL: sandboxUrl,
      GRAPH_API_VERSION: settings.graphApiVersion,
      PORT: String(port),
      UPSTREAM_CONNECTIONS: String(settings.upstreamConnections),
    },
    nodeArgs: [...settings.nodeArgs, ...profileArgs(settings, profileName)],
    readyUrl: `${url}/health`,
    cpus: settings.pin ? '1' : undefined,
  });
  return { ...started, url };
}

function profileArgs(settings: BenchSettings, name: string | undefined): string[] {
  if (!settings.cpuProfile || !name) return [];
  mkdirSync(PROFILE_DIR, { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, `--cpu-prof-name=${name}.cpuprofile`];
}
