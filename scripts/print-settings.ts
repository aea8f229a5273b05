/**
 * Writes the settings table of docs/configuration.md from SETTINGS in src/config.ts
 * (`npm run docs:config`), or with `--check` fails when the page is stale (`npm run docs:config:check`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withSettingsTable } from './settings-table.js';

const target = fileURLToPath(new URL('../docs/configuration.md', import.meta.url));
const page = readFileSync(target, 'utf8');
const current = withSettingsTable(page);

if (process.argv.includes('--check')) {
  if (current !== page) {
    process.stderr.write('docs/configuration.md is stale: run `npm run docs:config` and commit the result.\n');
    process.exit(1);
  }
  process.stdout.write('docs/configuration.md is up to date.\n');
} else {
  writeFileSync(target, current);
  process.stdout.write(`wrote ${target}\n`);
}
