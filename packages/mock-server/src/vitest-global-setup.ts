/**
 * A vitest `globalSetup` that starts one sandbox on a free 127.0.0.1 port for a test run, and stops it after.
 * Tests read its origin with `inject('freshchatSandboxUrl')` (or `process.env.FRESHCHAT_SANDBOX_URL`).
 *
 * @example
 * // vitest.config.ts
 * export default defineConfig({ test: { globalSetup: ['@freshchat-sandbox/mock-server/vitest-global-setup'] } });
 * // a test
 * const client = createFreshchatClient({ baseUrl: `${inject('freshchatSandboxUrl')}/v2`, token: 'sandbox-token' });
 */
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { listen } from './listen.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Origin of the sandbox started by the global setup, such as `http://127.0.0.1:43121`. */
    freshchatSandboxUrl: string;
  }
}

/** Starts the sandbox; the function it returns stops it. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const sandbox = await listen({ port: 0, host: '127.0.0.1' });
  project.provide('freshchatSandboxUrl', sandbox.url);
  process.env.FRESHCHAT_SANDBOX_URL = sandbox.url;
  return () => sandbox.stop();
}
