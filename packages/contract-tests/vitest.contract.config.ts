import { defineConfig } from 'vitest/config';

/**
 * `pnpm contract`: the contract suite against the target the environment names (`FRESHCHAT_BASE_URL`,
 * `FRESHCHAT_TOKEN`, `FRESHCHAT_AGENT_ID`), or a fresh local sandbox when `FRESHCHAT_BASE_URL` is unset.
 */
export default defineConfig({
  test: {
    name: 'contract',
    include: ['src/contract.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
