/**
 * Drives load from a separate `node` process (load-worker.ts, autocannon) so that generating
 * requests does not share an event loop with the sampling and bookkeeping done here.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface LoadRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: Uint8Array;
  connections: number;
  durationSeconds: number;
  /**
   * Send exactly this many requests and wait for every answer, instead of stopping at
   * `durationSeconds` with requests in flight (then `durationSeconds` is only a safety stop at 4×).
   */
  amount?: number;
  /** Requests sent in turn on every connection (autocannon `requests`), instead of the one above. */
  mix?: { method: 'GET' | 'POST'; path: string; headers: Record<string, string>; body?: Uint8Array }[];
  /**
   * With `mix`: all connections walk it together, each request taking the next entry (a stream
   * of distinct clients' requests), instead of every connection walking it from the start.
   */
  sharedMix?: boolean;
  /** Requests per second over all connections; unbounded when absent. */
  overallRate?: number;
  /** How a response is judged correct: a GraphQL result with data and no errors, or a REST body without an error envelope. */
  expect: 'graphql-data' | 'rest';
}

export interface LoadResult {
  durationSeconds: number;
  /** Requests sent, including those still in flight when the run stopped. */
  sent: number;
  /** 2xx responses (including ones whose body failed the check, counted in `mismatches`). */
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  mismatches: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  meanMs: number;
  /** Every 2xx response time in ms, sorted, so runs can be merged before taking percentiles. */
  latencies: Float64Array;
}

type Reply = { id: number; result: LoadResult } | { id: number; error: string };

export class LoadGenerator {
  private readonly child: ChildProcess;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: LoadResult) => void; reject: (e: Error) => void }>();

  constructor(options: { cpus?: string | undefined } = {}) {
    const script = fileURLToPath(new URL('./load-worker.js', import.meta.url));
    this.child = fork(script, [], {
      // advanced: upload bodies travel as bytes, not JSON
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // taskset execs node in place, which inherits the IPC channel
      ...(options.cpus ? { execPath: 'taskset', execArgv: ['-c', options.cpus, process.execPath] } : {}),
    });
    this.child.on('message', (reply: Reply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if ('error' in reply) waiter.reject(new Error(`load generator: ${reply.error}`));
      else waiter.resolve(reply.result);
    });
    this.child.on('exit', (code) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`load generator exited (${code})`));
      this.pending.clear();
    });
  }

  run(request: LoadRequest): Promise<LoadResult> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ id, request });
    });
  }

  close(): void {
    this.child.disconnect();
    this.child.kill();
  }
}
