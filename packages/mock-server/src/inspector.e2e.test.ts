import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ListeningMockServer, listen } from './listen.js';
import { chromiumSkipReason, launchChromium } from './testing/chromium.js';

const JOHN = 'afd5102c-5443-4fe3-a069-4fe25189a0a1';
const MEETING = 'ea0ab820-e97c-47f5-8443-7bd362adc393';
const T0 = Date.parse('2030-06-15T12:00:00.000Z');
const ARTIFACTS = new URL('../test-artifacts/', import.meta.url);

/** A webhook receiver on 127.0.0.1 that answers 500 while `down`, 204 after; it notes each X-Retry-Count. */
async function startReceiver() {
  const receiver = { down: true, retries: [] as string[], url: '', server: undefined as Server | undefined };
  const server = createServer((req, res) => {
    receiver.retries.push(String(req.headers['x-retry-count']));
    req.resume();
    req.on('end', () => res.writeHead(receiver.down ? 500 : 204).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.server = server;
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return receiver;
}

let sandbox: ListeningMockServer;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let browser: Browser;

/** A page that records every request it makes and every console error. */
async function watchedPage(width: number) {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  // A step that fails says which one, well before the test's own timeout.
  page.setDefaultTimeout(15_000);
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, requests, errors };
}

/** No request left for another host. */
function expectOnlySandbox(requests: string[]) {
  const elsewhere = requests.filter((u) => !u.startsWith(`${sandbox.url}/`) && !u.startsWith('data:'));
  expect(elsewhere).toEqual([]);
  expect(requests.length).toBeGreaterThan(0);
}

/** The page fits its width: nothing scrolls sideways. */
async function expectNoSidewaysScroll(page: Page) {
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(scroll).toBeLessThanOrEqual(client);
}

const api = (path: string, init: { method?: string; body?: unknown } = {}) =>
  fetch(`${sandbox.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { Authorization: 'Bearer sandbox-token', 'Content-Type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });

describe.skipIf(chromiumSkipReason())('the inspector and the docs in Chromium', () => {
  beforeAll(async () => {
    sandbox = await listen({ port: 0, frozenClock: true, clockStart: new Date(T0) });
    receiver = await startReceiver();
    browser = await launchChromium();
    await mkdir(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await sandbox?.stop();
    receiver?.server?.close();
  });

  test('/_inspector shows a PATCH, webhook retries and Resend, and a report completed by the clock', async () => {
    const { page, requests, errors } = await watchedPage(1280);
    await page.goto(`${sandbox.url}/_inspector#token=sandbox-token`);
    await page.locator('#connection', { hasText: 'live' }).waitFor();
    expect((await api('/_mock/webhooks', { method: 'POST', body: { url: receiver.url } })).status).toBe(201);

    // A PATCH from outside the page (as curl would make it) reaches the journal and John's timeline.
    const patch = await api(`/v2/agents/${JOHN}`, { method: 'PATCH', body: { agent_status: { id: MEETING } } });
    expect(patch.status).toBe(200);
    const row = page.locator('#request-list li', { hasText: `/v2/agents/${JOHN}` }).filter({ hasText: 'PATCH' });
    await row.filter({ hasText: '200' }).waitFor();
    await row.getByRole('button').focus();
    await page.keyboard.press('Enter');
    await row.locator('pre', { hasText: MEETING }).first().waitFor();
    const john = page.locator(`#agent-list li[data-agent-id="${JOHN}"]`);
    await john.locator('[data-field=status]', { hasText: 'Meeting' }).waitFor();
    await john.locator('svg rect[data-status="Meeting"]').waitFor({ state: 'attached' });

    // The receiver fails: the first attempt and, a clock-minute later, the first retry.
    await page.locator('#delivery-list li', { hasText: 'failed (500)' }).filter({ hasText: 'next retry' }).waitFor();
    await page.getByRole('button', { name: '+1 min' }).focus();
    await page.keyboard.press('Enter');
    await page.locator('#delivery-list li', { hasText: 'attempt 2' }).filter({ hasText: 'failed (500)' }).waitFor();

    // Back up: Resend delivers.
    receiver.down = false;
    await page
      .locator('#delivery-list li')
      .first()
      .getByRole('button', { name: /^Resend/ })
      .click();
    await page.locator('#delivery-list li', { hasText: 'delivered (204)' }).filter({ hasText: '(resend)' }).waitFor();
    expect(receiver.retries).toEqual(['0', '1', '2']);

    // A report requested now is PENDING; the clock control completes it.
    const report = await api('/v2/reports/raw', {
      method: 'POST',
      body: {
        start: new Date(T0 - 3_600_000).toISOString(),
        end: new Date(T0).toISOString(),
        event: 'Agent-IntelliAssign-Activity',
        format: 'csv',
      },
    });
    expect(report.status).toBe(202);
    const job = page.locator('#report-list li[data-report]').first();
    await job.locator('[data-field=status]', { hasText: 'PENDING' }).waitFor();
    await page.getByRole('button', { name: '+1 min' }).click();
    await job.locator('[data-field=status]', { hasText: 'COMPLETED' }).waitFor();
    await job.getByRole('button', { name: 'Show download links' }).click();
    const href = await job.getByRole('link').first().getAttribute('href');
    expect(href?.startsWith(`${sandbox.url}/_storage/`)).toBe(true);
    expect((await fetch(href as string)).status).toBe(200);

    await expectNoSidewaysScroll(page);
    await page.screenshot({ path: new URL('inspector-1280.png', ARTIFACTS).pathname, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await expectNoSidewaysScroll(page);
    await page.screenshot({ path: new URL('inspector-390.png', ARTIFACTS).pathname, fullPage: true });
    expectOnlySandbox(requests);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('/docs renders both documents offline, with "try it" aimed at the sandbox and the token filled in', async () => {
    const { page, requests, errors } = await watchedPage(1280);
    await page.goto(`${sandbox.url}/docs`);
    await page.getByRole('heading', { name: 'Freshchat agent-status API' }).waitFor();
    await page.getByText(`${sandbox.url}/v2`).first().waitFor();
    // Markdown rendered: the description's **Errors.** is bold text, not asterisks.
    await page.locator('strong', { hasText: 'Errors.' }).first().waitFor();
    expect(
      await page
        .locator('input[type=password], input')
        .evaluateAll((inputs) => inputs.some((i) => (i as HTMLInputElement).value === 'sandbox-token')),
    ).toBe(true);
    await expectNoSidewaysScroll(page);
    await page.screenshot({ path: new URL('docs-1280.png', ARTIFACTS).pathname });
    // The control document, chosen by its slug, with its Freshchat schemas brought inside it.
    await page.goto(`${sandbox.url}/docs?api=control`);
    await page.getByRole('heading', { name: 'Freshchat sandbox control API' }).waitFor();
    await page.getByText(sandbox.url, { exact: true }).first().waitFor();
    await page.setViewportSize({ width: 390, height: 844 });
    await expectNoSidewaysScroll(page);
    await page.screenshot({ path: new URL('docs-390.png', ARTIFACTS).pathname });
    expectOnlySandbox(requests);
    expect(errors).toEqual([]);
    await page.close();
  });
});
