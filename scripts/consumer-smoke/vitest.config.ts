import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['*.test.ts'],
    globalSetup: ['@freshchat-sandbox/mock-server/vitest-global-setup'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
