import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from './pages.js';

/** Every TypeScript file of the repository's own code (not node_modules, not generated client code). */
function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'gql' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const files = ['src', 'test', 'bench', 'scripts', 'support', 'examples'].flatMap(sourceFiles).filter((file) => file !== 'test/docs/citations.test.ts');

describe('comments cite what a reader can open', () => {
  it('name no section of notes outside the repository', () => {
    const offenders = files.filter((file) => /notes §|§\d/.test(readFileSync(join(root, file), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('name only repository files that exist', () => {
    const missing: string[] = [];
    for (const file of files) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const [path] of text.matchAll(/(?<![\w./-])(?:docs|src|test|bench|scripts|support)\/[\w./-]+\.(?:md|ts)\b/g)) {
        // bench/results/ holds what a benchmark run writes, not committed files.
        if (!path.startsWith('bench/results/') && !existsSync(join(root, path))) missing.push(`${file}: ${path}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
