import { readdirSync, readlinkSync, watch, type FSWatcher } from 'node:fs';

/**
 * graphql-upload-ts spools each file part to `capacitor-<hex>.tmp` in the gateway's os.tmpdir(): a
 * test gives the gateway process a TMPDIR of its own and looks there, and at the process's open
 * descriptors, for what an upload left behind.
 */
const SPOOL_FILE = /capacitor-[0-9a-f]+\.tmp/;

/** Spool files present in `dir` now. */
export function spoolFiles(dir: string): string[] {
  return readdirSync(dir).filter((name) => SPOOL_FILE.test(name));
}

/** Descriptors of process `pid` open on a spool file, removed or not (Linux: /proc/<pid>/fd). */
export function openSpoolDescriptors(pid: number): string[] {
  const open: string[] = [];
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (SPOOL_FILE.test(target)) open.push(`${fd} -> ${target}`);
    } catch {
      // Closed between the listing and the readlink.
    }
  }
  return open;
}

/** Polls until `probe` returns an empty list or `timeoutMs` passes; returns the last list seen. */
export async function untilEmpty(probe: () => string[], timeoutMs = 5_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let seen = probe();
  while (seen.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    seen = probe();
  }
  return seen;
}

/**
 * Records every spool file created in `dir` while it watches (inotify), even one removed a moment
 * later: the only way to see from outside that an upload was spooled at all.
 */
export function watchSpool(dir: string): { created: () => string[]; close: () => void } {
  const created = new Set<string>();
  const watcher: FSWatcher = watch(dir, (_event, name) => {
    if (name && SPOOL_FILE.test(name)) created.add(name);
  });
  return { created: () => [...created], close: () => watcher.close() };
}
