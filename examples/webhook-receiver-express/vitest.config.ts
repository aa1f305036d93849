import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'example-webhook-receiver-express', include: ['src/**/*.test.ts'], testTimeout: 30_000 },
});
