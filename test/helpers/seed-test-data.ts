import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { seedDemoData } from '../../db/seed/k-demo.js';

/** The fixed instant every seeded suite is built around (matches NLU.md's reference date). */
export const TEST_NOW = new Date('2026-11-26T10:00:00+08:00');

/** A small, deterministic slice of the K demo (30 dealers and everything around them), built once per test run. */
export async function seedTestData(db: Kysely<Database>): Promise<void> {
  await seedDemoData(db, { scale: 0.05, now: TEST_NOW });
}
