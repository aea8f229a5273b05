import { existsSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pagePaths, readPage, root, withoutCode } from './pages.js';

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to `-`, repeats numbered. */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, text] of withoutCode(markdown).matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const slug = text!
      .replace(/`/g, '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\- _]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** Every relative link of a page: `[text](target)`, without web addresses and mail links. */
function linksOf(markdown: string): string[] {
  return [...withoutCode(markdown).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((target) => !/^[a-z]+:/i.test(target));
}

describe('documentation links', () => {
  it('computes anchors the way GitHub does', () => {
    expect([...anchorsOf('# The sandbox (Graph API emulator)\n## Metrics: `GET /metrics`\n## Tested\n## Tested\n')]).toEqual([
      'the-sandbox-graph-api-emulator',
      'metrics-get-metrics',
      'tested',
      'tested-1',
    ]);
  });

  it.each(pagePaths())('%s links only to files and headings that exist', (page) => {
    const broken: string[] = [];
    for (const link of linksOf(readPage(page))) {
      const [path, anchor] = link.split('#') as [string, string | undefined];
      const target = path === '' ? page : normalize(join(dirname(page), path));
      if (relative(root, join(root, target)).startsWith('..') || !existsSync(join(root, target))) {
        broken.push(`${link}: no file ${target}`);
        continue;
      }
      if (anchor !== undefined && (statSync(join(root, target)).isDirectory() || !anchorsOf(readPage(target)).has(anchor))) {
        broken.push(`${link}: no heading #${anchor} in ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('reaches every page of docs/ from the README', () => {
    const linked = new Set(linksOf(readPage('README.md')).map((link) => link.split('#')[0]));
    const unlinked = pagePaths().filter((page) => page !== 'README.md' && !linked.has(page));
    expect(unlinked).toEqual([]);
  });
});
