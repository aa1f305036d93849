import { configDefaults, defineProject } from 'vitest/config';

/**
 * The CI run (`pnpm test`): the contract suite through Prism with coverage of both documents, the documents'
 * examples, and the drift guard. `pnpm contract` (vitest.contract.config.ts) runs the suite against any target.
 */
export default defineProject({
  test: {
    name: 'contract-tests',
    include: ['src/**/*.test.ts'],
    exclude: [...configDefaults.exclude, 'src/contract.test.ts'],
    globalSetup: ['./src/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Only the type tests and what they import (the full package is `pnpm typecheck`): keeps the run short.
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts'], tsconfig: './tsconfig.typecheck.json' },
  },
});
