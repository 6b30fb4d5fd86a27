import type { Kysely } from 'kysely';
import { migrateToLatest, openDatabase } from '../../db/connect.js';
import type { Database } from '../../db/schema.js';
import type { AppConfig } from '../config.js';

/**
 * Opens the configured database for one CLI command, brings it to the latest migration, runs `fn` and closes it
 * (releasing the PGlite lock) whatever happens.
 */
export async function withDatabase<T>(
  config: Readonly<AppConfig>,
  fn: (db: Kysely<Database>) => Promise<T>,
): Promise<T> {
  const h = await openDatabase(config.db);
  try {
    await migrateToLatest(h.db);
    return await fn(h.db);
  } finally {
    await h.close();
  }
}
