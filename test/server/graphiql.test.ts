import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MESSAGE_ID } from '../../src/sandbox/demo-data.js';
import { launchChromium } from '../../support/chromium.js';
import { startGatewayProcess, type GatewayProcess } from '../../support/processes.js';

/** The walkthrough's tabs, in order. */
const TABS = [
  'DemoGroups', 'ListGroups', 'GroupEvents', 'CreateGroup', 'InviteLink', 'ResetInviteLink', 'JoinRequests', 'ApproveJoinRequest',
  'RemoveParticipant', 'WatchMessages', 'SendMessage', 'PinMessage', 'InviteByLink',
];
/** Subscriptions stream: the other tests run them. */
const RUN_AT_ONCE = TABS.filter((name) => !['GroupEvents', 'WatchMessages'].includes(name));

let proc: GatewayProcess;
let browser: Browser;
let graphiqlUrl: string;

beforeAll(async () => {
  browser = await launchChromium();
  proc = startGatewayProcess({ PORT: '0' });
  graphiqlUrl = (await proc.waitFor(/GraphiQL:\s+(http:\S+)/, 60_000))[1]!;
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await proc?.stop('SIGKILL');
});

/** Opens GraphiQL with everything not served by this machine refused, as without internet access. */
async function openGraphiQL(page: Page, offLoopback: string[]): Promise<void> {
  await page.route('**/*', (route) => {
    const { hostname } = new URL(route.request().url());
    if (hostname === 'localhost' || hostname === '127.0.0.1') return route.continue();
    offLoopback.push(route.request().url());
    return route.abort();
  });
  await page.goto(graphiqlUrl);
  await page.locator('.graphiql-execute-button').waitFor({ timeout: 30_000 });
}

/** The result pane's text (Monaco renders spaces as no-break spaces). */
const shown = (page: Page) => page.locator('.result-window').innerText().then((text) => text.replace(/\u00a0/g, ' '));

/**
 * Selects a tab from the keyboard (focus, Enter). A mouse press would focus the tab first, and in
 * headless Chromium GraphiQL's drag-to-reorder then moves the focused tab from under the pointer
 * (its transform applies only `:focus-within`), so the release misses it.
 */
async function selectTab(page: Page, name: string): Promise<void> {
  await page.locator(`.graphiql-tab-button[title="${name}"]`).focus();
  await page.keyboard.press('Enter');
  await expect.poll(() => page.locator('.graphiql-tab-active').innerText(), { timeout: 10_000 }).toBe(name);
  // GraphiQL parses the tab's document a moment later: ▶ before that would send the previous tab's
  // operation name (a person is never that fast). Its tab state, kept in localStorage, says when.
  const operationName = () =>
    page.evaluate(() => {
      const state = JSON.parse(localStorage.getItem('graphiql:tabState') ?? '{}') as { activeTabIndex?: number; tabs?: { operationName?: string }[] };
      return state.tabs?.[state.activeTabIndex ?? -1]?.operationName;
    });
  await expect.poll(operationName, { timeout: 10_000 }).toBe(name);
}

/** Selects a tab and presses ▶ once; resolves with the JSON answer of that operation's POST. */
async function runTab(page: Page, name: string): Promise<{ data?: Record<string, any> | null; errors?: unknown }> {
  await selectTab(page, name);
  const answer = page.waitForResponse(
    (r) => r.request().method() === 'POST' && (r.request().postData() ?? '').includes(`${name}(`),
    { timeout: 30_000 },
  );
  await page.locator('.graphiql-execute-button').click();
  return (await (await answer).json()) as never;
}

/** Selects a subscription tab and presses ▶ once; resolves once its stream is open. */
async function streamTab(page: Page, name: string): Promise<void> {
  await selectTab(page, name);
  // GraphiQL streams a subscription over SSE with a GET request: its answer's headers mean it is open.
  const streaming = page.waitForResponse(
    (r) => r.request().method() === 'GET' && decodeURIComponent(r.url()).includes(`${name}(`) && r.status() === 200,
    { timeout: 30_000 },
  );
  await page.locator('.graphiql-execute-button').click();
  await streaming;
}

describe('GraphiQL', () => {
  it('loads with no internet access, offers the explorer, and runs every tab of the walkthrough with one click', async () => {
    const page = await browser.newPage();
    const offLoopback: string[] = [];
    await openGraphiQL(page, offLoopback);
    await expect(page.locator('.graphiql-tab-button').allInnerTexts()).resolves.toEqual(TABS);
    // The explorer plugin is bundled with the page, so it is there offline too.
    await expect(page.getByRole('button', { name: 'Show GraphiQL Explorer' }).count()).resolves.toBe(1);

    for (const name of RUN_AT_ONCE) {
      const result = await runTab(page, name);
      expect(result.errors, name).toBeUndefined();
      const data = Object.values(result.data ?? {})[0];
      expect(data, name).toEqual(expect.any(Object));
      // Answered at once: no menu asking which operation to run, and the result pane shows the data.
      await expect(page.getByRole('menuitem').count()).resolves.toBe(0);
      const field = Object.keys(result.data!)[0]!;
      await expect.poll(() => shown(page), { timeout: 15_000 }).toContain(`"${field}": {`);
      // PinMessage pins the demo message the business posted, with nothing pasted.
      if (name === 'PinMessage') expect(result.data).toEqual({ pinGroupMessage: { messageId: DEMO_MESSAGE_ID, groupId: expect.any(String) } });
    }
    expect(offLoopback).toEqual([]);
  }, 180_000);

  it('streams GroupEvents in one window and shows GroupCreated once the CreateGroup tab runs in a second', async () => {
    const offLoopback: string[] = [];
    const events = await browser.newPage();
    await openGraphiQL(events, offLoopback);
    await streamTab(events, 'GroupEvents');

    const creator = await browser.newPage();
    await openGraphiQL(creator, offLoopback);
    const created = await runTab(creator, 'CreateGroup');
    expect(created.errors).toBeUndefined();
    const requestId = (created.data as { createGroup: { requestId: string } }).createGroup.requestId;

    await expect.poll(() => shown(events), { timeout: 30_000 }).toContain('"__typename": "GroupCreated"');
    expect(await shown(events)).toContain(`"requestId": "${requestId}"`);
    // Still streaming: the ▶ button of a running subscription is a stop button.
    await expect(events.locator('.graphiql-execute-button').getAttribute('aria-label')).resolves.toMatch(/stop/i);
    expect(offLoopback).toEqual([]);
  }, 180_000);

  it("streams a message's statuses in WatchMessages while SendMessage runs in a second window, then pins it", async () => {
    const offLoopback: string[] = [];
    const watch = await browser.newPage();
    await openGraphiQL(watch, offLoopback);
    await streamTab(watch, 'WatchMessages');

    const send = await browser.newPage({ permissions: ['clipboard-read', 'clipboard-write'] });
    await openGraphiQL(send, offLoopback);
    const sent = await runTab(send, 'SendMessage');
    expect(sent.errors).toBeUndefined();
    const { messageId } = (sent.data as { sendGroupMessage: { messageId: string } }).sendGroupMessage;
    // The watching window shows the latest status of the message: READ per member comes last.
    await expect.poll(() => shown(watch), { timeout: 30_000 }).toContain('"status": "READ"');
    expect(await shown(watch)).toContain('"__typename": "GroupMessageStatusChanged"');
    // (Monaco wraps long ids across lines anywhere: the pane shows which field, the id is checked below.)
    expect(await shown(watch)).toContain('"messageId": "wamid.');

    // PinMessage pins the demo message by default; to pin this one, its messageId goes into the
    // variables (as the tab's comment says), then ▶ once.
    await selectTab(send, 'PinMessage');
    await send.getByRole('button', { name: 'Variables' }).click();
    const variables = send.locator('.graphiql-editor-tool .monaco-editor').first();
    await variables.click();
    await send.keyboard.press('ControlOrMeta+A');
    // Pasted, as a person copies the id: typed, the editor's bracket completion would add its own.
    await send.evaluate((text) => navigator.clipboard.writeText(text), JSON.stringify({ messageId }));
    await send.keyboard.press('ControlOrMeta+V');
    await expect.poll(() => send.locator('.graphiql-editor-tool').innerText(), { timeout: 10_000 }).toContain('{"messageId":"wamid.');
    const pinned = send.waitForResponse((r) => r.request().method() === 'POST' && (r.request().postData() ?? '').includes('PinMessage('), { timeout: 30_000 });
    await send.locator('.graphiql-execute-button').click();
    const pin = (await (await pinned).json()) as { data?: { pinGroupMessage?: { messageId: string } }; errors?: unknown };
    expect(pin.errors).toBeUndefined();
    expect(pin.data?.pinGroupMessage?.messageId).toBe(messageId);
    expect(offLoopback).toEqual([]);
  }, 180_000);
});
