import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../src/config.js';

/**
 * Docker cannot run here (nor hadolint, which neither npm nor Debian ships): the Dockerfile's rules
 * are checked on its syntax tree, and the image's exact start and health-check commands are run
 * against the compiled code, with the sandbox started the way compose.yaml starts it.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string) => readFileSync(`${root}/${path}`, 'utf8');
const dockerfile = DockerfileParser.parse(read('Dockerfile'));
const dockerfileLines = read('Dockerfile').split('\n');
const stages = dockerfile.getFROMs();
const finalStage = dockerfile.getInstructions().filter((i) => i.getRange()!.start.line >= stages.at(-1)!.getRange()!.start.line);

interface ComposeService {
  build?: unknown;
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  deploy?: { replicas?: number };
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  ports?: string[];
  volumes?: string[];
}
/** compose.yaml as `docker compose` reads it with no variables set: `${NAME:-default}` is its default. */
const compose = parseYaml(read('compose.yaml').replace(/\$\{\w+:-([^}]*)\}/g, '$1')) as { services: Record<string, ComposeService> };

/** The instruction as written (flags included), continuation lines joined. */
function textOf(instruction: Instruction): string {
  const { start, end } = instruction.getRange()!;
  return dockerfileLines.slice(start.line, end.line + 1).join(' ').replace(/\\\s+/g, ' ').replace(/\s+/g, ' ').trim();
}

function jsonArgs(instruction: Instruction): string[] {
  return JSON.parse(instruction.getArgumentsContent() ?? '') as string[];
}

function healthcheckCommand(): string[] {
  const [healthcheck] = dockerfile.getHEALTHCHECKs();
  const content = healthcheck!.getArgumentsContent() ?? '';
  return JSON.parse(content.slice(content.indexOf('CMD') + 3).trim()) as string[];
}

describe('Dockerfile (checked on its syntax tree)', () => {
  it('is multi-stage, with pinned base images (no latest)', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const from of stages) {
      expect(from.getImageTag(), from.getImageName() ?? '').toMatch(/^\d+\.\d+/);
    }
    // The image runs the Node major the project is built and tested for (package.json engines), not
    // whatever Node runs this test (the suite also runs under the current LTS).
    const engineMajor = /(\d+)/.exec((JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node)?.[1];
    expect(stages.map((s) => s.getImageTag()?.split('.')[0])).toEqual(stages.map(() => engineMajor));
  });

  it('installs production dependencies only in the final stage, from the lockfile', () => {
    const runs = finalStage.filter((i) => i.getKeyword() === 'RUN').map((i) => i.getArgumentsContent() ?? '');
    expect(runs.some((run) => /\bnpm ci\b.*--omit=dev/.test(run))).toBe(true);
    expect(runs.some((run) => /\bnpm (install|i)\b/.test(run))).toBe(false);
    // The final stage takes the compiled code from the build stage, not the sources.
    const copies = finalStage.filter((i) => i.getKeyword() === 'COPY').map(textOf);
    expect(copies).toContain(`COPY --from=${stages[0]!.getBuildStage()} /app/dist ./dist`);
    expect(copies.some((copy) => /\bsrc\b/.test(copy))).toBe(false);
  });

  it('runs as a non-root user, node itself as PID 1 (exec form, no npm, no entrypoint shell)', () => {
    const users = finalStage.filter((i) => i.getKeyword() === 'USER').map((i) => i.getArgumentsContent());
    expect(users.at(-1)).toBeDefined();
    expect(['root', '0']).not.toContain(users.at(-1));
    expect(dockerfile.getENTRYPOINTs()).toEqual([]);
    const cmds = finalStage.filter((i) => i.getKeyword() === 'CMD');
    expect(cmds).toHaveLength(1);
    expect(jsonArgs(cmds[0]!)).toEqual(['node', 'dist/src/main.js']);
    const lastUser = finalStage.filter((i) => i.getKeyword() === 'USER').at(-1)!;
    expect(lastUser.getRange()!.start.line).toBeLessThan(cmds[0]!.getRange()!.start.line);
  });

  it('has a HEALTHCHECK on /health and absolute WORKDIRs', () => {
    expect(dockerfile.getHEALTHCHECKs()).toHaveLength(1);
    expect(healthcheckCommand()[0]).toBe('node');
    expect(healthcheckCommand().join(' ')).toContain('/health');
    for (const workdir of dockerfile.getInstructions().filter((i) => i.getKeyword() === 'WORKDIR')) {
      expect(workdir.getArgumentsContent()).toMatch(/^\//);
    }
  });

  it('.dockerignore keeps dependencies, build output, git and env files out of the build context, but not what the build copies', () => {
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    for (const path of ['node_modules', 'dist', '.git', '.env', 'test']) expect(ignored).toContain(path);
    const copied = dockerfile
      .getCOPYs()
      .filter((c) => !textOf(c).includes('--from'))
      .flatMap((c) => (c.getArgumentsContent() ?? '').split(/\s+/).slice(0, -1));
    expect(copied).toEqual(['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'src', 'package.json', 'package-lock.json']);
    for (const path of copied) expect(ignored).not.toContain(path);
  });
});

describe('compose.yaml', () => {
  it('runs Redis, the sandbox as the Graph API, two gateway replicas and a proxy in front of them', () => {
    const { gateway, proxy, redis } = compose.services;
    const graphApi = compose.services['graph-api'];
    expect(graphApi?.command).toEqual(['node', 'dist/src/sandbox/main.js']);
    expect(gateway?.deploy?.replicas).toBe(2);
    expect(gateway?.environment?.GRAPH_API_URL).toBe(`http://graph-api:${graphApi?.environment?.SANDBOX_PORT}`);
    // Redis asks for a password, and the gateway's URL carries the same one (issue 18.6).
    const password = redis?.command?.[redis.command.indexOf('--requirepass') + 1];
    expect(password).toBeTruthy();
    expect(gateway?.environment?.REDIS_URL).toBe(`redis://:${password}@redis:6379`);
    expect(redis?.healthcheck?.test).toEqual(['CMD', 'redis-cli', '-a', password, '--no-auth-warning', 'ping']);
    expect(gateway?.environment?.EVENTS_SIGNING_KEY?.length).toBeGreaterThanOrEqual(32);
    expect(gateway?.depends_on).toEqual({ 'graph-api': { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
    expect(redis?.image).toMatch(/^redis:\d/);
    expect(proxy?.image).toMatch(/^nginx:\d/);
    expect(proxy?.depends_on).toEqual({ gateway: { condition: 'service_healthy' } });
    // The proxy's config balances over the gateway service, on the port the image listens on.
    const [volume] = proxy?.volumes ?? [];
    const nginx = read(volume!.split(':')[0]!.replace(/^\.\//, ''));
    expect(nginx).toContain('server gateway:4000;');
    expect(nginx).toContain('proxy_pass http://gateways;');
    expect(proxy?.ports).toEqual([`8080:${/listen (\d+);/.exec(nginx)?.[1]}`]);
  });

  it('gives the gateway a configuration its start accepts, not production (the sandbox speaks plain http)', () => {
    const environment = compose.services.gateway?.environment;
    expect(() => loadConfig({ NODE_ENV: 'production', ...environment })).not.toThrow();
    expect(loadConfig({ NODE_ENV: 'production', ...environment }).production).toBe(false);
    // The same setup declared production is refused: tokens would cross the network in clear.
    expect(() => loadConfig({ ...environment, NODE_ENV: 'production' })).toThrow(/https/);
  });
});

describe("the image's start command, run here", () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });

  beforeAll(async () => {
    await promisify(execFile)('npm', ['run', 'build'], { cwd: root });
  }, 240_000);

  function start(command: string[], env: Record<string, string>) {
    const child = spawn(command[0]!, command.slice(1), { cwd: root, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const waitFor = async (pattern: RegExp) => {
      await expect.poll(() => pattern.test(output), { timeout: 90_000 }).toBe(true);
      return output.match(pattern)!;
    };
    return { child, exited, waitFor };
  }

  async function healthcheck(port: string): Promise<number | null> {
    const probe = start(healthcheckCommand(), { PORT: port });
    return probe.exited;
  }

  it('serves GraphQL and /health behind the compose sandbox, passes the HEALTHCHECK, and stops on SIGTERM', async () => {
    const cmd = jsonArgs(finalStage.find((i) => i.getKeyword() === 'CMD')!);
    const sandbox = start(compose.services['graph-api']!.command!, { SANDBOX_HOST: '127.0.0.1', SANDBOX_PORT: '0' });
    const [, sandboxUrl, demoToken, demoGroups] = await sandbox.waitFor(/listening on (\S+)\ndemo token: (\S+)\ndemo groups: (\S+)/);
    const demoGroup = demoGroups!.replace(/,$/, '');

    const gateway = start(cmd, { NODE_ENV: 'production', GRAPH_API_URL: sandboxUrl!, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' });
    const [, port] = await gateway.waitFor(/"port":(\d+)[^\n]*"gateway listening"/);
    expect(await healthcheck(port!)).toBe(0);

    const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${demoToken}` },
      body: JSON.stringify({ query: `{ group(id: "${demoGroup}") { id } }` }),
    });
    expect(await response.json()).toEqual({ data: { group: { id: demoGroup } } });
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(200);

    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
    expect(await healthcheck(port!)).toBe(1);
    sandbox.child.kill('SIGTERM');
    expect(await sandbox.exited).toBe(0);
  }, 240_000);
});
