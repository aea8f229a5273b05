import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../helpers/start-process.js';

const CHROMIUM = '/usr/bin/chromium';

let proc: GatewayProcess;
let browser: Browser;
let graphiqlUrl: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
  proc = startGatewayProcess({ PORT: '0' });
  graphiqlUrl = (await proc.waitFor(/GraphiQL:\s+(http:\S+)/))[1]!;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await proc?.stop('SIGKILL');
});

describe('GraphiQL', () => {
  it('loads with no internet access and runs its default query against the sandbox', async () => {
    const page = await browser.newPage();
    const offLoopback: string[] = [];
    // Everything not served by this machine is refused, as on a machine without internet access.
    await page.route('**/*', (route) => {
      const { hostname } = new URL(route.request().url());
      if (hostname === 'localhost' || hostname === '127.0.0.1') return route.continue();
      offLoopback.push(route.request().url());
      return route.abort();
    });
    await page.goto(graphiqlUrl);
    const execute = page.locator('.graphiql-execute-button');
    await execute.waitFor({ timeout: 20_000 });

    // GraphiQL also POSTs its introspection query; wait for the run of the default operation.
    const responsePromise = page.waitForResponse(
      (r) => r.url().startsWith(graphiqlUrl) && r.request().method() === 'POST' && (r.request().postData() ?? '').includes('DemoGroups'),
    );
    await execute.click();
    // The default document holds one operation per lifecycle step: GraphiQL asks which to run.
    await page.getByRole('menuitem', { name: 'DemoGroups' }).click({ timeout: 20_000 });
    const result = (await (await responsePromise).json()) as { data?: { first?: { subject?: string } }; errors?: unknown };
    expect(result.errors).toBeUndefined();
    expect(result.data?.first?.subject).toEqual(expect.any(String));
    // The result pane shows it too (Monaco renders spaces as no-break spaces).
    const shown = () => page.locator('.result-window').innerText().then((text) => text.replace(/\u00a0/g, ' '));
    await expect.poll(shown, { timeout: 10_000 }).toContain(`"subject": "${result.data!.first!.subject!}"`);
    expect(offLoopback).toEqual([]);
  }, 60_000);

  it('a newcomer watches a message\'s statuses live: WatchMessages in one tab, SendMessage in another, then InviteByLink', async () => {
    const shown = (page: Page) => page.locator('.result-window').innerText().then((text) => text.replace(/\u00a0/g, ' '));
    const runIn = async (page: Page, operation: string) => {
      await page.locator('.graphiql-execute-button').click();
      await page.getByRole('menuitem', { name: operation }).click({ timeout: 20_000 });
    };
    const watch = await browser.newPage();
    await watch.goto(graphiqlUrl);
    await watch.locator('.graphiql-execute-button').waitFor({ timeout: 20_000 });
    // A subscription from GraphiQL goes over SSE (a GET): the default headers carry the CSRF header it needs.
    await runIn(watch, 'WatchMessages');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await shown(watch)).not.toContain('errors');

    const send = await browser.newPage();
    await send.goto(graphiqlUrl);
    await send.locator('.graphiql-execute-button').waitFor({ timeout: 20_000 });
    await runIn(send, 'SendMessage');
    await expect.poll(() => shown(send), { timeout: 20_000 }).toContain('"messageId": "wamid.');
    // The watching tab shows the latest status of the message: READ per member comes last.
    await expect.poll(() => shown(watch), { timeout: 20_000 }).toContain('"status": "READ"');
    expect(await shown(watch)).toContain('"__typename": "GroupMessageStatusChanged"');

    await runIn(send, 'InviteByLink');
    await expect.poll(() => shown(send), { timeout: 20_000 }).toContain('"code": "BAD_USER_INPUT"');
    expect(await shown(send)).toContain('"to": "+16505551234"');
  }, 90_000);
});
