import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{bot,core,adapters,prompts,db,test}/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    hookTimeout: 60_000,
    testTimeout: 30_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
