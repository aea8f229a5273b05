import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { acceptsConnections } from './accepts-connections.js';
import { freePort } from '../../support/processes.js';

/** Debian's nginx (`apt-get install nginx`; .ci/run installs it). */
export const NGINX = '/usr/sbin/nginx';

export interface Nginx {
  /** e.g. http://127.0.0.1:41234 */
  origin: string;
  /** The server block as nginx ran it (the repository's, upstream and port rewritten). */
  siteConfig: string;
  /** What nginx wrote to its error log. */
  errorLog(): string;
  stop(): Promise<void>;
}

/**
 * The repository's `deploy/nginx.conf` (the compose proxy), run by a real nginx in the foreground on
 * a free loopback port, in front of `upstreamOrigin` instead of compose's `gateway:4000`. Everything
 * else in the file is kept as it is, so what passes here passes in compose.
 */
export async function startNginx(upstreamOrigin: string): Promise<Nginx> {
  if (!existsSync(NGINX)) throw new Error(`${NGINX} is missing: apt-get install -y nginx (.ci/run does)`);
  const dir = mkdtempSync(join(tmpdir(), 'nginx-test-'));
  const port = await freePort();
  const site = readFileSync(fileURLToPath(new URL('../../deploy/nginx.conf', import.meta.url)), 'utf8');
  const siteConfig = site.replace(/server gateway:4000;/, `server ${new URL(upstreamOrigin).host};`).replace(/listen 8080;/, `listen 127.0.0.1:${port};`);
  if (siteConfig === site || !siteConfig.includes(`listen 127.0.0.1:${port};`)) throw new Error('deploy/nginx.conf no longer has `server gateway:4000;` and `listen 8080;`');
  writeFileSync(join(dir, 'default.conf'), siteConfig);
  // What the Debian/Alpine image's main nginx.conf provides around conf.d/default.conf, in a temp
  // dir: one process (no master, no privilege drop), logs and temp files kept here.
  writeFileSync(
    join(dir, 'nginx.conf'),
    [
      'daemon off;',
      'master_process off;',
      `pid ${dir}/nginx.pid;`,
      `error_log ${dir}/error.log warn;`,
      'events { worker_connections 256; }',
      'http {',
      '  access_log off;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((temp) => `  ${temp}_temp_path ${dir}/${temp};`),
      `  include ${dir}/default.conf;`,
      '}',
    ].join('\n'),
  );
  const child = spawn(NGINX, ['-p', dir, '-e', `${dir}/error.log`, '-c', `${dir}/nginx.conf`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const errorLog = () => {
    try {
      return stderr + readFileSync(join(dir, 'error.log'), 'utf8');
    } catch {
      return stderr;
    }
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 30_000;
  while (!(await acceptsConnections('127.0.0.1', port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      const log = errorLog();
      await stop();
      throw new Error(`nginx did not start:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { origin: `http://127.0.0.1:${port}`, siteConfig, errorLog, stop };
}
