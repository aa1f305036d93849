import { listen } from '@freshchat-sandbox/mock-server';
import type { TestProject } from 'vitest/node';
import { documentPath } from './documents.js';
import { startPrism } from './prism.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Origin of the sandbox the CI run checks (control API and storage links are called there directly). */
    contractSandboxUrl: string;
    /** Where `prism proxy freshchat.yaml <sandbox>/v2 --errors` listens: the Freshchat API's base URL of the run. */
    contractPrismUrl: string;
  }
}

/**
 * Global setup of this package's CI run: one sandbox on a free port, and Prism in proxy mode in front of its `/v2`,
 * validating every answer against freshchat.yaml. Both are stopped after the run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Fewer simulated agent-days than the default bound, so the suite reaches it with one request rather than five.
  const sandbox = await listen({ port: 0, limits: { simulatedAgentDays: 100_000 } });
  try {
    const prism = await startPrism({ document: documentPath('freshchat.yaml'), upstream: `${sandbox.url}/v2` });
    project.provide('contractSandboxUrl', sandbox.url);
    project.provide('contractPrismUrl', prism.url);
    return async () => {
      await prism.stop();
      await sandbox.stop();
    };
  } catch (error) {
    await sandbox.stop();
    throw error;
  }
}
