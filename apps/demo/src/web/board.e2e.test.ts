import { mkdir } from 'node:fs/promises';
import { createControlClient } from '@freshchat-sandbox/client';
import { chromiumSkipReason, launchChromium } from '@freshchat-sandbox/mock-server/testing/chromium';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type DemoServer, startDemoServer } from './demo-server.js';

const JOHN_DOE = 'afd5102c-5443-4fe3-a069-4fe25189a0a1';
const MATT_GIBSON = '21fc58b1-9bbe-4891-af50-723576e8d1b3';
const MEETING = 'ea0ab820-e97c-47f5-8443-7bd362adc393';
const LUNCH = 'ccd63293-dd83-4369-a1e9-27aeabc4e62e';
// The seed's four, and the account's admin (one of its agents, the actor of the API's changes).
const AGENTS = ['Account Admin', 'John Doe', 'Matt Gibson', 'Sarah Jones', 'Sebastian Ric'];
const SCREENSHOT = new URL('../../test-artifacts/board.png', import.meta.url);

let board: DemoServer;
let browser: Browser;
let page: Page;

describe.skipIf(chromiumSkipReason())('the board in Chromium', () => {
  beforeAll(async () => {
    // The default set-up of `demo:web`: the board starts its own sandbox in-process.
    board = await startDemoServer({ port: 0, log: () => {} });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1380, height: 1100 } });
  });

  afterAll(async () => {
    await browser?.close();
    await board?.stop();
  });

  const row = (agentId: string) => page.locator(`#board tr[data-agent-id="${agentId}"]`);

  test('the board follows verified webhooks, changes statuses and exports a report', async () => {
    await page.goto(board.url);
    await page.locator('#connection', { hasText: 'live' }).waitFor();
    for (const name of AGENTS) await page.locator('#board tbody tr', { hasText: name }).waitFor();
    await row(JOHN_DOE).locator('[data-field=status]', { hasText: 'Active on IntelliAssign' }).waitFor();

    // A supervisor's change: the dropdown asks the server to PATCH; the line changes when the webhook comes back.
    await row(JOHN_DOE).locator('select').selectOption(`id:${MEETING}`);
    await row(JOHN_DOE).locator('[data-field=status]', { hasText: 'Meeting' }).waitFor();
    await row(JOHN_DOE).locator('td', { hasText: 'by admin · webhook ✓ verified' }).waitFor();

    // An agent's own change, made in the sandbox as Freshchat's UI would: no click on the page at all, so only the
    // webhook → server → server-sent event path can bring it to the board.
    const control = createControlClient({ baseUrl: board.sandboxUrl as string, token: 'sandbox-token' });
    const { response } = await control.POST('/_mock/agents/{agent_id}/status', {
      params: { path: { agent_id: MATT_GIBSON } },
      body: { agent_status: { id: LUNCH } },
    });
    expect(response.status).toBe(200);
    await row(MATT_GIBSON).locator('[data-field=status]', { hasText: 'Lunch' }).waitFor();
    await row(MATT_GIBSON).locator('td', { hasText: 'by agent · webhook ✓ verified' }).waitFor();
    await page.locator('#events li', { hasText: 'Matt Gibson → Lunch' }).waitFor();
    expect(await row(MATT_GIBSON).locator('select').inputValue()).toBe(`id:${LUNCH}`);

    // An hour passes on the virtual clock, so the report has something to show.
    await page.getByRole('button', { name: '+1 h' }).click();
    await row(JOHN_DOE)
      .locator('td.duration', { hasText: /^1h 00m/ })
      .waitFor();

    await page.getByRole('button', { name: 'Export report' }).click();
    await page.locator('#report-message', { hasText: 'pending' }).waitFor();
    // The sandbox needs 30 clock-seconds to generate it: the clock control gets there at once.
    await page.getByRole('button', { name: '+1 min' }).click();
    await page.locator('#report-message', { hasText: 'completed' }).waitFor();

    const header = await page.locator('#report-table thead th').allTextContents();
    expect(header).toEqual(expect.arrayContaining(['Agent', 'Active on IntelliAssign', 'Lunch', 'Meeting', 'Total']));
    const lines = page.locator('#report-table tbody tr');
    expect(await lines.count()).toBe(AGENTS.length);
    for (const name of AGENTS) await lines.filter({ hasText: name }).waitFor();
    const john = await lines.filter({ hasText: 'John Doe' }).locator('td').allTextContents();
    // The board's report window ends at the clock's current minute (a window may not end in the future), so up to
    // a minute of the hour may fall after it; the clock follows real time between the steps, hence the seconds.
    expect(john[header.indexOf('Meeting')]).toMatch(/^(59m|1h 00m) \d\ds$/);
    expect(await page.locator('#report-chart .bar').count()).toBe(AGENTS.length);

    // The CSV downloads.
    const href = await page.locator('#download-activity').getAttribute('href');
    const csv = await (await fetch(new URL(href as string, board.url))).text();
    expect(csv.split('\r\n')[0]).toBe(
      'agent_name,agent_id,activity_type,agent_status,agent_status_in_seconds,created_at',
    );
    expect(csv).toContain('John Doe,afd5102c-5443-4fe3-a069-4fe25189a0a1,inactive,Meeting,');

    await mkdir(new URL('.', SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT.pathname, fullPage: true });

    // It fits a desktop and a phone: nothing scrolls sideways, and no card reaches past the window's right edge.
    for (const width of [1400, 390]) {
      await page.setViewportSize({ width, height: 1000 });
      const fit = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        client: document.documentElement.clientWidth,
        cards: [...document.querySelectorAll('header, .card')].map((e) => Math.ceil(e.getBoundingClientRect().right)),
      }));
      expect(fit.scroll, `page width at ${width} px`).toBeLessThanOrEqual(fit.client);
      for (const right of fit.cards)
        expect(right, `a card's right edge at ${width} px`).toBeLessThanOrEqual(fit.client);
      await page.screenshot({ path: new URL(`board-${width}.png`, SCREENSHOT).pathname, fullPage: true });
    }
  });
});
