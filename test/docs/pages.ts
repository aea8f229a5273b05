import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository's root, with a trailing slash. */
export const root = fileURLToPath(new URL('../../', import.meta.url));

/** A Markdown page of the documentation: README.md or docs/*.md, by its path from the root. */
export function readPage(path: string): string {
  return readFileSync(root + path, 'utf8');
}

/** README.md and every page of docs/. */
export function pagePaths(): string[] {
  return ['README.md', ...readdirSync(root + 'docs').filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];
}

/** Drops fenced code blocks, whose `#` lines are comments and whose brackets are code, not links. */
export function withoutCode(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '');
}

/** The body rows of tables whose first cell is a code span: `| \`NAME\` | …` → NAME (header rows left out). */
export function tableKeys(markdown: string): string[] {
  const lines = withoutCode(markdown).split('\n');
  return lines.flatMap((line, i) => {
    const key = /^\| `([^`]+)` \|/.exec(line)?.[1];
    const isHeader = /^\|\s*:?-/.test(lines[i + 1] ?? '');
    return key && !isHeader ? [key] : [];
  });
}
