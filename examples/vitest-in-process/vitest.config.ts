import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'example-vitest-in-process', include: ['src/**/*.test.ts'] } });
