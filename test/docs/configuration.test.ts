import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BATCH_MODES } from '../../src/config.js';
import { readPage, root, tableKeys } from './pages.js';

const page = readPage('docs/configuration.md');

describe('docs/configuration.md', () => {
  it('documents every environment variable the config reads, and no other', () => {
    const configSource = readFileSync(root + 'src/config.ts', 'utf8');
    // Every key of the zod object that reads the environment, whatever its schema helper.
    const start = configSource.indexOf('const EnvSchema');
    const envSchema = configSource.slice(start, configSource.indexOf('});', start));
    const variables = [...envSchema.matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]!);
    expect(variables.length).toBeGreaterThan(15);
    expect(new Set(tableKeys(page))).toEqual(new Set(variables));
  });

  it('names every batch mode (docs/credentials-and-batching.md)', () => {
    const batching = readPage('docs/credentials-and-batching.md');
    for (const mode of BATCH_MODES) expect(batching).toContain(`| \`${mode}\``);
  });
});
