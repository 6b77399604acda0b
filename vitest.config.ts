import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // CLI and agent tests spawn real processes; two cores leave little room for more workers.
    maxWorkers: 2,
  },
});
