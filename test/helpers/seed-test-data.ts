import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

/** The fixed instant every seeded suite is built around (matches NLU.md's reference date). */
export const TEST_NOW = new Date('2026-11-26T10:00:00+08:00');

// Replaced by the K demo generator once it lands: a small, deterministic slice of the demo data.
export async function seedTestData(_db: Kysely<Database>): Promise<void> {}
