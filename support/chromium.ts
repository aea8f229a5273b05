import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium: tests never download a browser. */
const CHROMIUM = '/usr/bin/chromium';

/**
 * Headless Debian Chromium for the browser tests, or a one-line failure naming what is missing
 * (never a skip). Background networking is off: this machine reaches no network but loopback.
 */
export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}
