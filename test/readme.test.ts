import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BATCH_MODES } from '../src/config.js';
import { ERROR_CODES } from '../src/errors.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
/** The rows of the table in the README's "## Errors" section. */
const errorsSection = readme.split(/^## /m).find((section) => section.startsWith('Errors')) ?? '';
const tableCodes = [...errorsSection.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);

describe('README', () => {
  it('documents every error code, and documents no code that does not exist', () => {
    expect(new Set(tableCodes)).toEqual(new Set(Object.keys(ERROR_CODES)));
  });

  it('documents every environment variable the config reads', () => {
    const configSource = readFileSync(new URL('../src/config.ts', import.meta.url), 'utf8');
    const variables = [...configSource.matchAll(/^\s+([A-Z][A-Z0-9_]+): z\./gm)].map((m) => m[1]!);
    expect(variables.length).toBeGreaterThan(5);
    for (const variable of variables) expect(readme, variable).toContain(`| \`${variable}\``);
  });

  it('names every batch mode', () => {
    for (const mode of BATCH_MODES) expect(readme).toContain(`| \`${mode}\``);
  });

  it('gives the two commands a newcomer runs', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
  });
});
