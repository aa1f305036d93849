// Shared by this package's browser tests and the demo's (`@freshchat-sandbox/mock-server/testing/chromium`, a
// workspace-only export: publishConfig leaves it out of the published package).
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium, the one browser this project's tests drive (`npx playwright install` cannot run here). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/**
 * Why the browser tests cannot run on this machine, or undefined when they can. Without Chromium they are skipped,
 * with one line saying why and how to run them; under `CI=true` they are required, so the missing browser is an
 * error instead.
 *
 * @example
 * const missing = chromiumSkipReason();
 * describe.skipIf(missing)('the board in a browser', () => { ... });
 */
export function chromiumSkipReason(): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined;
  if (process.env.CI === 'true') {
    throw new Error(
      `CI=true: the browser tests are required, and ${CHROMIUM_PATH} is missing (apt-get install chromium)`,
    );
  }
  const reason = `browser tests skipped: ${CHROMIUM_PATH} is missing; run \`apt-get install chromium\` (as .ci/run does) to run them`;
  console.warn(reason);
  return reason;
}

/** Launches headless Chromium with the flags this machine needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: FLAGS });
}
