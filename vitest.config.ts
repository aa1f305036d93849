import { defineConfig } from 'vitest/config';

/** One vitest run over every workspace package; each package's own config names its project. */
export default defineConfig({
  test: {
    projects: ['openapi', 'packages/*', 'apps/*', 'examples/*'],
  },
});
