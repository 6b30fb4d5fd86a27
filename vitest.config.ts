import { defineConfig } from 'vitest/config';

/**
 * Two tiers. `unit`: pure code and in-memory fakes (core, adapters without network, bot/nlu, prompts), no
 * database and no global setup, so it runs in seconds (`npm run test:unit`). `db`: everything else, on database
 * templates prepared once per run by the global setup. `npm test` runs both.
 */
const UNIT = ['core/**/*.test.ts', 'adapters/**/*.test.ts', 'bot/nlu/**/*.test.ts', 'prompts/**/*.test.ts'];
// Reaches a real Redis when one is up: it belongs with the services tier.
const UNIT_EXCLUDED = ['adapters/kv/kv.contract.test.ts'];

export default defineConfig({
  test: {
    hookTimeout: 60_000,
    testTimeout: 30_000,
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: UNIT, exclude: UNIT_EXCLUDED },
      },
      {
        extends: true,
        test: {
          name: 'db',
          include: ['{bot,db,test}/**/*.test.ts', ...UNIT_EXCLUDED],
          exclude: ['bot/nlu/**', '**/node_modules/**'],
          globalSetup: ['test/helpers/global-setup.ts'],
        },
      },
    ],
  },
});
