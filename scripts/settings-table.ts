import { SETTINGS } from '../src/config.js';

/** Where the generated table sits in docs/configuration.md. */
export const TABLE_START = '<!-- settings table: written by `npm run docs:config` from SETTINGS in src/config.ts -->';
export const TABLE_END = '<!-- end of settings table -->';

/** docs/configuration.md's settings table: one row per entry of SETTINGS, in its order. */
export function settingsTable(): string {
  const rows = Object.entries(SETTINGS).map(([variable, setting]) => `| \`${variable}\` | ${setting.default} | ${setting.doc} |`);
  return ['| Variable | Default | Meaning |', '|---|---|---|', ...rows].join('\n');
}

/** `page` with the text between the markers replaced by the current table. */
export function withSettingsTable(page: string): string {
  const start = page.indexOf(TABLE_START);
  const end = page.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`docs/configuration.md lacks the markers ${TABLE_START} … ${TABLE_END}`);
  return `${page.slice(0, start + TABLE_START.length)}\n${settingsTable()}\n${page.slice(end)}`;
}
