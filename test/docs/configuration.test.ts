import { describe, expect, it } from 'vitest';
import { BATCH_MODES, loadConfig, SETTINGS } from '../../src/config.js';
import { withSettingsTable } from '../../scripts/settings-table.js';
import { readPage, tableKeys } from './pages.js';

const page = readPage('docs/configuration.md');

describe('docs/configuration.md', () => {
  it('holds the settings table written from SETTINGS (npm run docs:config)', () => {
    expect(page).toBe(withSettingsTable(page));
    expect(tableKeys(page)).toEqual(Object.keys(SETTINGS));
  });

  it('reads every setting it documents: a bad value of each is reported by name', () => {
    // Every variable given a value no schema accepts (a number where one is read is "x"; "x" is not
    // a URL, a level, a protocol, an on/off...). Free-text settings accept anything and are skipped.
    const freeText = new Set(['NODE_ENV', 'HOST', 'WHATSAPP_ACCESS_TOKEN', 'WHATSAPP_APP_SECRET', 'WHATSAPP_WEBHOOK_VERIFY_TOKEN', 'PERSISTED_DOCUMENTS', 'METRICS_HOST']);
    const bad = Object.fromEntries(Object.keys(SETTINGS).filter((v) => !freeText.has(v)).map((v) => [v, 'x y']));
    let message = '';
    try {
      loadConfig(bad);
    } catch (error) {
      message = (error as Error).message;
    }
    for (const variable of Object.keys(bad)) expect(message, variable).toMatch(new RegExp(`^  ${variable}[.:]`, 'm'));
  });

  it('names every batch mode (docs/credentials-and-batching.md)', () => {
    const batching = readPage('docs/credentials-and-batching.md');
    for (const mode of BATCH_MODES) expect(batching).toContain(`| \`${mode}\``);
  });
});
