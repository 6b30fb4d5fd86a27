import { defineConfig } from 'vitest/config';

/**
 * Three tiers. `unit`: pure code and in-memory fakes (core, adapters without network, bot/nlu rules, bot/replies,
 * prompts), no database and no global setup, so it runs in seconds (`npm run test:unit`). `model`: the intent
 * model's training and cross-validation runs (CPU-bound, seconds per test). `db`: everything else, on database
 * templates prepared once per run by the global setup. `npm test` runs all three.
 */
const UNIT = [
  'core/**/*.test.ts',
  'adapters/**/*.test.ts',
  'bot/nlu/**/*.test.ts',
  'bot/replies/**/*.test.ts',
  'prompts/**/*.test.ts',
];
// Trains the intent model (k-fold cross-validation, threshold grids): seconds each, so its own tier.
const MODEL = ['bot/nlu/intent.train.test.ts', 'bot/nlu/intent.model.test.ts', 'bot/nlu/nlu.eval.test.ts'];
// Reaches a real Redis when one is up: it belongs with the services tier.
const UNIT_EXCLUDED = ['adapters/kv/kv.contract.test.ts', ...MODEL];

export default defineConfig({
  test: {
    hookTimeout: 60_000,
    testTimeout: 30_000,
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        // Specs over fakes share no process state worth a fresh module graph per file: reusing it saves most of
        // the tier's time (imports, not tests, dominate).
        test: { name: 'unit', include: UNIT, exclude: UNIT_EXCLUDED, isolate: false },
      },
      {
        extends: true,
        test: { name: 'model', include: MODEL },
      },
      {
        extends: true,
        test: {
          name: 'db',
          include: ['{bot,db,test}/**/*.test.ts', 'adapters/kv/kv.contract.test.ts'],
          exclude: ['bot/nlu/**', 'bot/replies/**', '**/node_modules/**'],
          globalSetup: ['test/helpers/global-setup.ts'],
        },
      },
    ],
  },
});
