/**
 * Writes schema.graphql from the Pothos schema (`npm run schema:print`), or with `--check` fails when
 * the committed file is stale (`npm run schema:check`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printSchemaSdl } from '../src/schema/index.js';

const target = fileURLToPath(new URL('../schema.graphql', import.meta.url));
const sdl = printSchemaSdl();

if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(target, 'utf8');
  } catch {
    // A missing file is stale too.
  }
  if (committed !== sdl) {
    process.stderr.write('schema.graphql is stale: run `npm run schema:print` and commit the result.\n');
    process.exit(1);
  }
  process.stdout.write('schema.graphql is up to date.\n');
} else {
  writeFileSync(target, sdl);
  process.stdout.write(`wrote ${target}\n`);
}
