import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'example-github-actions', include: ['src/**/*.test.ts'], testTimeout: 30_000 },
});
